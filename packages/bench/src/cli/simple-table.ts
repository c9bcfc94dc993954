import type { BenchReport } from '../report/schema.js';
import { requestedKernelShare } from '../stacks/ort/placement.js';
import type { StackListing } from '../stacks/registry.js';

// Interim console table of the run command; src/report/table.ts (another branch) replaces it at merge.

function alignRows(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const ms = (v: number) => v.toFixed(3);

/** Per module, one row per stack: p50/p90/mean/cv and the requested provider's share of kernel time. */
export function formatRunTable(report: BenchReport): string {
  const rows = [['module', 'stack', 'p50 ms', 'p90 ms', 'mean ms', 'cv', 'samples', 'on provider', 'd2h p50 ms']];
  const sorted = [...report.modules].sort((a, b) => a.module.localeCompare(b.module));
  for (const m of sorted) {
    rows.push([
      m.module,
      m.stack,
      ms(m.latency.p50Ms),
      ms(m.latency.p90Ms),
      ms(m.latency.meanMs),
      `${(m.latency.cv * 100).toFixed(1)}%`,
      String(m.latency.samples),
      m.placement ? `${(requestedKernelShare(m.placement) * 100).toFixed(1)}% kernel` : '-',
      m.copies?.d2hMs ? ms(m.copies.d2hMs.p50Ms) : '-',
    ]);
  }
  const lines = report.modules.length > 0 ? [alignRows(rows)] : ['No stack ran.'];
  for (const u of report.unavailable) lines.push(`unavailable: ${u.stack}: ${u.reason}\n  Note: ${u.remedy}`);
  // Stack caveats and placement notes; per-input shape choices stay in the JSON.
  const shown = (n: string) => !n.startsWith('input ') && !n.startsWith('recognised as ');
  const notes = new Set(report.modules.flatMap((m) => m.notes.filter(shown).map((n) => `${m.stack}: ${n}`)));
  for (const note of notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/** `bench list`: every stack, whether it runs here, and why not. */
export function formatStackList(stacks: readonly StackListing[]): string {
  const rows = [['stack', 'family', 'available', 'description']];
  for (const s of stacks) rows.push([s.name, s.family, s.availability.available ? 'yes' : 'no', s.description]);
  const lines = [alignRows(rows)];
  for (const s of stacks) {
    if (!s.availability.available) lines.push(`${s.name}: ${s.availability.reason}\n  Note: ${s.availability.remedy}`);
  }
  return lines.join('\n');
}
