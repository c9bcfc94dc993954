import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  formatModuleTable,
  formatReportTables,
  predictFrameMs,
  recommendAssignment,
  reportChart,
  reportToCsv,
  reportToMarkdown,
} from '../src/index.js';
import { MODULES, pipeline, report, stackResults } from './report-fixtures.js';

// The H200 medians of ../shared/reference/efficienttam-ti.md: no stack wins every module.
const cpu = stackResults('ort-cpu', [57.5, 91.0, 7.3, 8.2]);
const webgpu = stackResults('ort-webgpu', [10.1, 18.1, 20.0, 5.7], 0.05);
webgpu[1]!.placement = {
  requested: 'webgpu',
  providers: [
    { provider: 'WebGpuExecutionProvider', nodes: 1012, kernelTimeMs: 15 },
    { provider: 'CPUExecutionProvider', nodes: 330, kernelTimeMs: 5 },
  ],
  computeOpsElsewhere: [],
};
cpu[0]!.notes = ['16 threads, "graph optimisation" all'];
const mixed = {
  image_encoder: 'ort-webgpu',
  memory_attention: 'ort-webgpu',
  mask_decoder: 'ort-cpu',
  memory_encoder: 'ort-webgpu',
};
const run = report({ label: 'h200', modules: [...cpu, ...webgpu], pipelines: [pipeline(mixed, 45)] });

describe('recommendAssignment', () => {
  it('picks the fastest stack per module and predicts the mixed frame time as the sum of those medians', () => {
    const rec = recommendAssignment(run);
    expect(rec.assignment).toEqual(mixed);
    expect(rec.predictedFrameMs).toBeCloseTo(10.1 + 18.1 + 7.3 + 5.7);
    expect(rec.singleStack.map((s) => s.stack)).toEqual(['ort-webgpu', 'ort-cpu']);
    expect(rec.singleStack[0]!.predictedFrameMs).toBeCloseTo(53.9);
    expect(rec.perModule.find((c) => c.module === 'mask_decoder')!.candidates.map((c) => c.stack)).toEqual([
      'ort-cpu',
      'ort-webgpu',
    ]);
  });

  it('skips a result whose compute ops ran elsewhere unless partial placement is allowed', () => {
    const leaky = structuredClone(run);
    leaky.modules.find((m) => m.stack === 'ort-webgpu' && m.module === 'image_encoder')!.placement = {
      requested: 'webgpu',
      providers: [],
      computeOpsElsewhere: [{ node: '/trunk/MatMul', opType: 'MatMul', provider: 'CPUExecutionProvider' }],
    };
    expect(recommendAssignment(leaky).assignment.image_encoder).toBe('ort-cpu');
    expect(recommendAssignment(leaky, { allowPartialPlacement: true }).assignment.image_encoder).toBe('ort-webgpu');
  });

  it('predicts any given assignment and names a pair the report lacks', () => {
    expect(predictFrameMs(run, { image_encoder: 'ort-cpu', mask_decoder: 'ort-webgpu' })).toBeCloseTo(77.5);
    expect(() => predictFrameMs(run, { image_encoder: 'trt-fp16' })).toThrow('no result for image_encoder on trt-fp16');
  });
});

describe('console tables', () => {
  it('puts stacks side by side per module with aligned columns', () => {
    const lines = formatModuleTable(run).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+ort-cpu\s+ort-webgpu$/);
    expect(lines[1]!.split(/\s+/)).toEqual([
      'module',
      ...Array(2).fill(['p50', 'ms', 'p90', 'ms', 'cv', 'on-stack']).flat(),
    ]);
    const rule = lines[2]!;
    // Every right-aligned column ends where its rule ends.
    const columnEnds = [...rule.matchAll(/-+/g)].map((m) => m.index! + m[0].length);
    for (const line of lines.slice(3, 7)) {
      for (const end of columnEnds.slice(1)) expect(line[end - 1]).toMatch(/\S/);
    }
    expect(lines.find((l) => l.startsWith('memory_attention'))).toMatch(/18\.1\s+\S+\s+5\.0%\s+75\.0%$/);
    expect(lines.at(-1)).toMatch(/^sum of p50\s+164\s+53\.9$/);
  });

  it('lists pipelines, unavailable stacks and notes in the full console report', () => {
    const text = formatReportTables({
      ...run,
      unavailable: [{ stack: 'ort-cuda', reason: 'no CUDA', remedy: 'use a GPU host' }],
    });
    expect(text).toContain('unbaked [ort-webgpu; mask_decoder=ort-cpu]');
    expect(text).toContain('ort-cuda unavailable: no CUDA');
    expect(text).toContain('note: ort-cpu: 16 threads');
  });
});

describe('reportToCsv', () => {
  it('writes one row per module result, per pipeline stage and per pipeline frame, quoting where needed', () => {
    const lines = reportToCsv(run).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const rows = lines.slice(1);
    expect(rows.filter((r) => r.startsWith('module,'))).toHaveLength(8);
    expect(rows.filter((r) => r.startsWith('stage,'))).toHaveLength(MODULES.length);
    expect(rows.filter((r) => r.startsWith('frame,'))).toHaveLength(1);
    expect(rows[0]).toContain('"16 threads, ""graph optimisation"" all"');
    expect(rows.find((r) => r.startsWith('module,ort-webgpu,memory_attention'))).toContain(',0.7500,');
    expect(rows.find((r) => r.startsWith('stage,ort-cpu,mask_decoder'))).toContain(
      ',unbaked [ort-webgpu; mask_decoder=ort-cpu],',
    );
  });
});

describe('reportToMarkdown and reportChart', () => {
  it('renders the module table, the fastest assignment and the chart link', () => {
    const markdown = reportToMarkdown(run, { chartPath: 'h200.svg' });
    expect(markdown).toContain('| module | ort-cpu | ort-webgpu |');
    expect(markdown).toContain('| mask_decoder | 7.30 (p90');
    expect(markdown).toContain(
      '`--stack image_encoder=ort-webgpu,memory_attention=ort-webgpu,mask_decoder=ort-cpu,memory_encoder=ort-webgpu`, predicted 41.2 ms',
    );
    expect(markdown).toContain('![latency chart](h200.svg)');
  });

  it('draws one bar with a whisker per (module, stack) and per pipeline, with a legend', () => {
    const svg = reportChart(run);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(8 + 1);
    expect(svg.match(/class="whisker"/g)).toHaveLength(8 + 1);
    expect(svg).toContain('>ort-webgpu</text>');
    expect(svg).toContain('bar: p50, whisker: min to p90');
  });

  it('escapes labels so the SVG stays well-formed', () => {
    const odd = report({ label: 'a<b & "c"', modules: stackResults('ort-cpu', [1, 2, 3, 4]) });
    const svg = reportChart(odd);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).not.toContain('a<b');
  });
});
