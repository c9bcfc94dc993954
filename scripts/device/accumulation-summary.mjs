#!/usr/bin/env node
/**
 * Summarises run-accumulation.sh: reads <dir>/fidelity-*.json (track-eval fidelity reports) and writes
 * <dir>/accumulation-summary.json, one row per variant with each module's largest relative L2 error over its
 * outputs against FP32 on ort-cpu, and prints the table. Usage: node scripts/device/accumulation-summary.mjs DIR
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRACKER_MODULES as MODULES } from '../../packages/graph-surgery/dist/index.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: accumulation-summary.mjs DIR');
  process.exit(2);
}
const rows = [];
for (const file of (await readdir(dir)).filter((f) => /^fidelity-.*\.json$/.test(f)).sort()) {
  const report = JSON.parse(await readFile(join(dir, file), 'utf8'));
  const errors = {};
  for (const m of report.modules ?? []) {
    const values = m.outputs.map((o) => (o.nonFiniteShare > 0 ? Number.POSITIVE_INFINITY : o.relativeL2Error));
    errors[m.module] = Math.max(...values);
  }
  rows.push({
    variant: file.replace(/^fidelity-|\.json$/g, ''),
    stack: report.stack,
    errors,
    underOnePercent: Object.values(errors).every((e) => e < 0.01),
    ...(report.sequence ? { sequenceMaskIou: report.sequence.meanMaskIou } : {}),
    notes: report.notes,
  });
}
await writeFile(join(dir, 'accumulation-summary.json'), `${JSON.stringify({ rows }, null, 2)}\n`);
const cell = (v) => (v === undefined ? '-' : Number.isFinite(v) ? v.toExponential(2) : 'non-finite');
const header = ['variant', 'stack', ...MODULES, 'all < 1%'];
const table = rows.map((r) => [
  r.variant,
  r.stack,
  ...MODULES.map((m) => cell(r.errors[m])),
  String(r.underOnePercent),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
for (const line of [header, ...table]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('  '));
