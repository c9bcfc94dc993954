import { renderTextTable } from '../report/index.js';
import type { StackListing } from '../stacks/registry.js';

/** `bench list`: every stack, whether it runs here, and why not. */
export function formatStackList(stacks: readonly StackListing[]): string {
  const rows = stacks.map((s) => [s.name, s.family, s.availability.available ? 'yes' : 'no', s.description]);
  const align = ['left', 'left', 'left', 'left'] as const;
  const lines = [
    renderTextTable(['stack', 'family', 'available', 'description'], rows, { align: [...align] }).trimEnd(),
  ];
  for (const s of stacks) {
    if (!s.availability.available) lines.push(`${s.name}: ${s.availability.reason}\n  Note: ${s.availability.remedy}`);
  }
  return lines.join('\n');
}
