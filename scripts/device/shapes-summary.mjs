#!/usr/bin/env node
// Gathers what run-shapes.sh wrote under DIR into DIR/shapes-summary.json and DIR/shapes-summary.md: one table,
// module (modules-<scope>.json, `bench run --shapes ...`) or chained loop (pipeline-<stack>.json, `bench pipeline
// --shapes ...`) x stack x shape variant -> p50 ms, its ratio to the original variant of the same row, and the
// nodes (kernel ms) ONNX Runtime placed on its CPU provider where the placement profile gives them.
//   node scripts/device/shapes-summary.mjs DIR
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: shapes-summary.mjs DIR');
const read = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch (error) {
    return { unreadable: String(error) };
  }
};
const ms = (v) => (typeof v === 'number' ? v.toFixed(2) : '-');
// Older reports kept a non-original variant in options.shapeVariant (bench's moduleShapes).
const shapesOf = (m) => m.shapes ?? m.options?.shapeVariant ?? 'original';
const cpuShare = (m) => {
  const cpu = m.placement?.providers?.find((p) => p.provider === 'CPUExecutionProvider');
  if (!m.placement) return { text: '-' };
  return {
    nodes: cpu?.nodes ?? 0,
    kernelMs: cpu?.kernelTimeMs ?? 0,
    text: cpu ? `${cpu.nodes} (${ms(cpu.kernelTimeMs)})` : '0',
  };
};

const rows = [];
const problems = [];
const files = existsSync(dir) ? readdirSync(dir).sort() : [];
for (const file of files.filter((f) => /^modules-.*\.json$/.test(f))) {
  const scope = file.replace(/^modules-|\.json$/g, '');
  const report = read(file);
  if (report.unreadable) problems.push(`${file}: ${report.unreadable}`);
  for (const m of report.modules ?? []) {
    const cpu = cpuShare(m);
    rows.push({
      scope,
      what: m.module,
      stack: m.stack,
      shapes: shapesOf(m),
      p50Ms: m.latency.p50Ms,
      ...(cpu.nodes === undefined ? {} : { cpuNodes: cpu.nodes, cpuKernelMs: cpu.kernelMs }),
      cpuText: cpu.text,
    });
  }
  for (const u of report.unavailable ?? []) problems.push(`${scope}: ${u.stack} unavailable: ${u.reason}`);
}
for (const file of files.filter((f) => /^pipeline-.*\.json$/.test(f))) {
  const report = read(file);
  if (report.unreadable) problems.push(`${file}: ${report.unreadable}`);
  for (const p of report.pipelines ?? []) {
    const stacks = [...new Set(Object.values(p.stacks))].join('+');
    const base = { scope: 'zoo', stack: stacks, shapes: p.shapes ?? 'original', cpuText: '-' };
    rows.push({ ...base, what: 'loop (frame)', p50Ms: p.perFrame.p50Ms, fps: p.fps });
    // The module the CPU-placed shape arithmetic cost most (issue 12: 2.4 ms of memory_attention under CUDA).
    const attention = p.perStage?.memory_attention;
    if (attention) rows.push({ ...base, what: 'loop: memory_attention', p50Ms: attention.p50Ms });
  }
  for (const u of report.unavailable ?? []) problems.push(`${file}: ${u.stack} unavailable: ${u.reason}`);
}
// Each variant against the original of the same scope, row and stack.
for (const r of rows) {
  const original = rows.find(
    (o) => o.scope === r.scope && o.what === r.what && o.stack === r.stack && o.shapes === 'original',
  );
  if (original && original !== r && original.p50Ms > 0) r.vsOriginal = r.p50Ms / original.p50Ms;
}

const header = ['scope', 'module or loop', 'stack', 'shapes', 'p50 ms', 'vs original', 'CPU nodes (kernel ms)'];
const table = rows.map((r) => [
  r.scope,
  r.what,
  r.stack,
  r.shapes,
  ms(r.p50Ms),
  r.vsOriginal === undefined ? '' : `${((r.vsOriginal - 1) * 100).toFixed(1)}%`,
  r.cpuText,
]);
const md = ['## Shape variants: original, pinned, static', ''];
md.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
for (const t of table) md.push(`| ${t.join(' | ')} |`);
md.push('');
if (rows.length === 0) md.push('No results: see the steps table and logs.');
for (const p of new Set(problems)) md.push(`- ${p}`);
const summary = {
  createdAt: new Date().toISOString(),
  rows: rows.map(({ cpuText: _, ...r }) => r),
  problems: [...new Set(problems)],
};
writeFileSync(join(dir, 'shapes-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(dir, 'shapes-summary.md'), `${md.join('\n')}\n`);
console.log(md.join('\n'));
