// Summary of scripts/device/run-specialize.sh: per module and stack, p50 of the original against the specialised
// model, and the nodes (and kernel time) ONNX Runtime placed on its CPU provider in each.
//   node scripts/device/specialize-summary.mjs <folder with bench-original.json, bench-static.json, specialize.json>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: specialize-summary.mjs <folder>');
const read = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const [original, statics] = [read('bench-original.json'), read('bench-static.json')];
const cpu = (r) => r.placement?.providers.find((p) => p.provider === 'CPUExecutionProvider');
const key = (r) => `${r.stack} ${r.module}`;
const byKey = new Map(statics.modules.map((r) => [key(r), r]));
const rows = [
  ['stack', 'module', 'p50 ms original', 'p50 ms static', 'CPU nodes (ms) original', 'CPU nodes (ms) static'],
];
for (const a of original.modules) {
  const b = byKey.get(key(a));
  const fmt = (r) => (cpu(r) ? `${cpu(r).nodes} (${cpu(r).kernelTimeMs.toFixed(2)})` : '0');
  rows.push([
    a.stack,
    a.module,
    a.latency.p50Ms.toFixed(2),
    b ? b.latency.p50Ms.toFixed(2) : '-',
    fmt(a),
    b ? fmt(b) : '-',
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
for (const u of original.unavailable ?? []) console.log(`${u.stack} unavailable: ${u.reason}`);
// Nodes left on the CPU provider by a specialised module are listed by the bench JSON's placement; name them.
for (const b of statics.modules)
  if (b.stack !== 'ort-cpu' && cpu(b)?.nodes)
    console.log(`${key(b)}: ${cpu(b).nodes} node(s) still on CPU (see bench-static.json)`);
try {
  const reports = read('specialize.json');
  for (const m of reports.modules ?? [])
    console.log(`specialize ${m.file}: ${m.report.nodes.before} -> ${m.report.nodes.after} nodes`);
} catch {
  console.log('specialize.json missing or unreadable');
}
