import type { PrecisionFinding, PrecisionReport } from '../parsers/precision-report.js';
import { textTable } from './options.js';

export function renderFindings(findings: readonly PrecisionFinding[]): string {
  const lines = [`WARNING: ${findings.length} layer(s) do not honour the plan's FP32 pins:`];
  for (const f of findings) lines.push(`  - ${f.layer}: ${f.detail}`);
  return lines.join('\n');
}

export function renderReport(report: PrecisionReport): string {
  const rows = report.layers.map((l) => [
    l.name,
    l.layerType ?? '',
    l.precision,
    l.tactic ?? '',
    String(l.onnxNodes.length),
    [l.fusion ?? '', l.pinnedNodes.length > 0 ? `pins:${l.pinnedNodes.length}` : ''].filter(Boolean).join(' '),
  ]);
  const parts = [textTable(['layer', 'type', 'precision', 'tactic', 'nodes', 'notes'], rows)];
  if (report.findings.length > 0) parts.push('', renderFindings(report.findings));
  if (report.pinnedNotFound.length > 0)
    parts.push('', `Pinned nodes no layer reports: ${report.pinnedNotFound.join(', ')}`);
  for (const note of report.notes) parts.push('', note);
  return parts.join('\n');
}
