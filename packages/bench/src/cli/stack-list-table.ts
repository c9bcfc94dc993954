import type { InstalledProviders } from '../cuda/status.js';
import { renderTextTable } from '../report/index.js';
import type { StackListing } from '../stacks/registry.js';

/** A stack as `bench list` shows it: ORT stacks that need provider libraries also say which are installed. */
export type ListedStack = StackListing & { providers?: InstalledProviders };

/** `bench list`: every stack, whether it runs here, and why not; provider library versions and skew warnings. */
export function formatStackList(stacks: readonly ListedStack[]): string {
  const rows = stacks.map((s) => [s.name, s.family, s.availability.available ? 'yes' : 'no', s.description]);
  const align = ['left', 'left', 'left', 'left'] as const;
  const lines = [
    renderTextTable(['stack', 'family', 'available', 'description'], rows, { align: [...align] }).trimEnd(),
  ];
  for (const s of stacks) {
    if (s.providers) {
      const p = s.providers;
      lines.push(
        `${s.name}: provider libraries ${p.present.join(', ')} (CUDA provider ONNX Runtime ${p.providerOrtVersion ?? '?'}` +
          `${p.manifest ? `, from ${p.manifest.source}` : ''}) next to onnxruntime-node ${p.coreVersion}`,
      );
      for (const w of p.warnings) lines.push(`  warning: ${w}`);
    }
    if (!s.availability.available) lines.push(`${s.name}: ${s.availability.reason}\n  Note: ${s.availability.remedy}`);
    else if (s.providers && s.availability.detail) lines.push(`  ${s.availability.detail}`);
  }
  return lines.join('\n');
}
