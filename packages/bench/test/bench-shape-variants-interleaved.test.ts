// bench run with several shape variants (`--shapes original --shapes static`) on the tiny zoo, ort-cpu: one result
// per module and variant, measured interleaved by round, the variant recorded on every output, and bench compare
// of the variants within the run and across two runs.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BenchProgress,
  type BenchReport,
  combineReports,
  compareReports,
  formatModuleTable,
  formatReportTables,
  moduleShapes,
  parseBenchReport,
  recommendAssignment,
  reportChart,
  reportToCsv,
  reportToMarkdown,
  roundBudgets,
  roundOrder,
  runBench,
  shapeRatios,
  VARIANT_ROUNDS,
} from '../src/index.js';
import { bench as cli } from './helpers/cli.js';

// Two modules of the export-style tiny zoo with symbolic dims: memory_attention (num_mem_tokens, an int64
// num_obj_ptr_tokens) and mask_decoder (num_points).
let dir: string;
let both: BenchReport;
const events: BenchProgress[] = [];
const ITERATIONS = 12;
beforeAll(async () => {
  const zoo = await mkdtemp(join(tmpdir(), 'tamkit-bench-variants-zoo-'));
  await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
  dir = await mkdtemp(join(tmpdir(), 'tamkit-bench-variants-'));
  for (const m of ['memory_attention', 'mask_decoder']) await copyFile(join(zoo, `${m}.onnx`), join(dir, `${m}.onnx`));
  await rm(zoo, { recursive: true, force: true });
  both = await runBench({
    stacks: ['ort-cpu'],
    models: dir,
    budget: { warmupIterations: 1, iterations: ITERATIONS },
    threads: 1,
    profileRuns: 1,
    shapes: { memory: [2080, 1, 16], memory_pos: [2080, 1, 16] },
    shapeVariants: ['original', 'static'],
    onProgress: (event) => events.push(event),
  });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench run --shapes original --shapes static', () => {
  it('gives two results per module, each recording its variant; only the static one runs specialised', () => {
    const rows = both.modules.map((m) => `${m.module} ${m.shapes}`).sort();
    expect(rows).toEqual([
      'mask_decoder original',
      'mask_decoder static',
      'memory_attention original',
      'memory_attention static',
    ]);
    for (const m of both.modules) {
      expect(m.latency.samples).toBe(ITERATIONS);
      if (m.shapes === 'static') expect(m.options.specialize).toBeDefined();
      else expect(m.options.specialize).toBeUndefined();
      // The placement profile ran for each variant's own session: the specialised graph has fewer nodes.
      expect(m.placement?.providers.length).toBeGreaterThan(0);
    }
    const nodes = (module: string, shapes: string) =>
      both.modules
        .find((m) => m.module === module && m.shapes === shapes)!
        .placement!.providers.reduce((n, p) => n + p.nodes, 0);
    expect(nodes('memory_attention', 'static')).toBeLessThan(nodes('memory_attention', 'original'));
  });

  it('interleaves the variants of a module by round, the first rotating, and records each sample round', () => {
    const rounds = events.filter((e) => e.kind === 'variant-round');
    const budgets = roundBudgets({ iterations: ITERATIONS });
    expect(budgets.length).toBe(Math.min(VARIANT_ROUNDS, ITERATIONS));
    expect(budgets.reduce((n, b) => n + b.iterations!, 0)).toBe(ITERATIONS);
    for (const module of ['memory_attention', 'mask_decoder']) {
      const own = rounds.filter((e) => e.module === module);
      expect(own.map((e) => e.round)).toEqual(budgets.map((_, r) => r));
      expect(own.map((e) => e.order)).toEqual(budgets.map((_, r) => roundOrder(['original', 'static'], r)));
      expect(own.map((e) => e.order[0])).toContain('static');
      for (const m of both.modules.filter((r) => r.module === module)) {
        // Every round holds that round's share of the samples, in measurement order.
        const perRound = budgets.map((_, r) => m.latency.sampleRounds!.filter((x) => x === r).length);
        expect(perRound).toEqual(budgets.map((b) => b.iterations));
        expect(m.latency.sampleRounds).toEqual([...m.latency.sampleRounds!].sort((a, b) => a - b));
      }
    }
    // All of one module's rounds come before the next module's: the variants of a module are what interleave.
    const modules = rounds.map((e) => e.module);
    expect(
      modules.indexOf('memory_attention') > modules.lastIndexOf('mask_decoder') ||
        modules.indexOf('mask_decoder') > modules.lastIndexOf('memory_attention'),
    ).toBe(true);
  });

  it('notes the static/original p50 ratio of each module, as computed from the two results', () => {
    for (const module of ['memory_attention', 'mask_decoder']) {
      const original = both.modules.find((m) => m.module === module && m.shapes === 'original')!;
      const specialised = both.modules.find((m) => m.module === module && m.shapes === 'static')!;
      const ratio = specialised.latency.p50Ms / original.latency.p50Ms;
      expect(specialised.notes).toContain(
        `${module} shapes static/original p50 ${ratio.toFixed(3)} (${original.latency.p50Ms.toFixed(3)} -> ${specialised.latency.p50Ms.toFixed(3)} ms)`,
      );
      expect(shapeRatios(both).find((r) => r.module === module)?.ratio).toBe(ratio);
    }
  });

  it('shows the variant as a column of the table and the CSV, and the report reads back', () => {
    const table = formatModuleTable(both).split('\n');
    expect(table[1]).toMatch(/^module\s+shapes\s+p50 ms/);
    expect(table.filter((l) => /^memory_attention\s+(original|static)\s/.test(l))).toHaveLength(2);
    expect(table.filter((l) => /^sum of p50\s+(original|static)\s/.test(l))).toHaveLength(2);
    expect(formatReportTables(both)).toMatch(/ort-cpu memory_attention static\/original p50 \d+\.\d{3}/);
    const [header, ...lines] = reportToCsv(both).trim().split('\n');
    expect(header!.split(',').slice(0, 4)).toEqual(['row', 'stack', 'module', 'shapes']);
    expect(lines.map((l) => l.split(',').slice(2, 4).join(' ')).sort()).toEqual(
      both.modules.map((m) => `${m.module} ${m.shapes}`).sort(),
    );
    const read = parseBenchReport(JSON.parse(JSON.stringify(both)));
    expect(read.modules.map(moduleShapes)).toEqual(both.modules.map((m) => m.shapes));
  });

  it('bench run --shapes original --shapes static prints both variants, their ratios, and writes the CSV', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tamkit-bench-variants-cli-'));
    try {
      const csv = join(out, 'run.csv');
      const { code, out: printed } = await cli(
        ...['run', '--stack', 'ort-cpu', '--models', dir, '--shapes', 'original', '--shapes', 'static'],
        ...['--shape', 'memory:2080x1x16', '--shape', 'memory_pos:2080x1x16'],
        ...['--iterations', '3', '--warmup', '0', '--profile-runs', '0', '--threads', '1', '--csv', csv],
      );
      expect(code).toBe(0);
      expect(printed).toMatch(/^mask_decoder\s+static\s/m);
      expect(printed).toMatch(/^ort-cpu mask_decoder static\/original p50 \d+\.\d{3}/m);
      const lines = (await readFile(csv, 'utf8')).trim().split('\n');
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[3])
          .sort(),
      ).toEqual(['original', 'original', 'static', 'static']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('one variant keeps the table and CSV without a shapes column', async () => {
    const one = { ...both, modules: both.modules.filter((m) => m.shapes === 'static') };
    expect(formatModuleTable(one).split('\n')[1]).toMatch(/^module\s+p50 ms/);
    expect(reportToCsv(one).split('\n')[0]).not.toContain('shapes');
  });

  it('the markdown report, chart and bench combine keep the variants apart', () => {
    const markdown = reportToMarkdown(both);
    expect(markdown).toMatch(/\| memory_attention \(original\) \| \d/);
    expect(markdown).toMatch(/\| memory_attention \(static\) \| \d/);
    expect(markdown).toContain('Fastest assignment (shapes static)');
    expect(reportChart(both)).toContain('ort-cpu static');
    const combined = combineReports([
      { report: both, source: 'a.json', label: 'a' },
      { report: both, source: 'b.json', label: 'b' },
    ]);
    expect(combined.modules.map((m) => m.module).sort()).toEqual([
      'mask_decoder',
      'mask_decoder [static]',
      'memory_attention',
      'memory_attention [static]',
    ]);
  });

  it('recommends per variant, never mixing them', () => {
    const original = recommendAssignment(both);
    expect(original.shapes).toBe('original');
    const fromOriginal = both.modules.filter((m) => m.shapes === 'original');
    expect(original.predictedFrameMs).toBeCloseTo(
      fromOriginal.reduce((t, m) => t + m.latency.p50Ms, 0),
      9,
    );
    const specialised = recommendAssignment(both, { shapes: 'static' });
    expect(specialised.predictedFrameMs).toBeCloseTo(
      both.modules.filter((m) => m.shapes === 'static').reduce((t, m) => t + m.latency.p50Ms, 0),
      9,
    );
  });
});

describe('bench compare with shape variants', () => {
  it('within one report: each module static against its original, paired by round', () => {
    const comparison = compareReports(both, both, { withinShapes: true });
    expect(comparison.rows.map((r) => r.key).sort()).toEqual([
      'ort-cpu / mask_decoder [original -> static]',
      'ort-cpu / memory_attention [original -> static]',
    ]);
    for (const row of comparison.rows) {
      const original = both.modules.find((m) => m.module === row.module && m.shapes === 'original')!;
      const specialised = both.modules.find((m) => m.module === row.module && m.shapes === 'static')!;
      expect(row.baseline).toBe(original.latency);
      expect(row.current).toBe(specialised.latency);
      expect(row.notes).toContain('shapes original -> static');
      expect(row.interval?.method).toBe('paired-rounds');
    }
  });

  it('two runs of several variants pair the same variant; --pair-shapes pairs across', () => {
    const plain = compareReports(both, both);
    expect(plain.rows.map((r) => r.key).sort()).toEqual([
      'ort-cpu / mask_decoder',
      'ort-cpu / mask_decoder [static]',
      'ort-cpu / memory_attention',
      'ort-cpu / memory_attention [static]',
    ]);
    expect(plain.rows.every((r) => r.verdict === 'control')).toBe(true);
    const across = compareReports(both, both, { pairShapes: { original: 'static' } });
    const row = across.rows.find((r) => r.key === 'ort-cpu / memory_attention [original -> static]');
    expect(row?.current).toBe(
      both.modules.find((m) => m.module === 'memory_attention' && m.shapes === 'static')!.latency,
    );
  });

  it('an original run against a static run pairs each module across the variants', () => {
    const original = { ...both, modules: both.modules.filter((m) => m.shapes === 'original') };
    const specialised = { ...both, modules: both.modules.filter((m) => m.shapes === 'static') };
    const comparison = compareReports(original, specialised);
    expect(comparison.rows.map((r) => r.key).sort()).toEqual([
      'ort-cpu / mask_decoder [original -> static]',
      'ort-cpu / memory_attention [original -> static]',
    ]);
    expect(comparison.rows.every((r) => r.verdict !== 'missing' && r.verdict !== 'added')).toBe(true);
  });

  it('bench compare REPORT compares the variants within it and writes the markdown', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tamkit-bench-variants-cmp-'));
    try {
      const file = join(out, 'shapes.json');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, JSON.stringify(both));
      const { code, out: printed } = await cli('compare', file, '--out', out, '--name', 'variants');
      expect([0, 3, 5]).toContain(code);
      expect(printed).toMatch(/ort-cpu \/ memory_attention \[original -> static\]/);
      expect(printed).toMatch(/Shape variants of one report/);
      expect(await readFile(join(out, 'variants.md'), 'utf8')).toMatch(
        /\| ort-cpu \/ memory_attention \\\[original -&gt; static\\\] \|/,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
