/**
 * graph-surgery stays usable without onnxruntime-node (an optional peer dependency): with the package
 * unresolvable, `specializeModel` folds everything its exact kernels compute and keeps the rest, saying why.
 * Also: the folding size limit keeps large tensors' nodes.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type SpecializeReport, specializeModel } from '../src/index.js';
import { graphOf } from './helpers/ort-feeds.js';
import { boundFeeds, expectSameBits, runBoth } from './helpers/specialize-checks.js';
import { zooModule } from './helpers/zoo.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('specializeModel without onnxruntime-node', () => {
  it('folds what the exact kernels compute and keeps Sin/Cos/Resize with a note', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        join(here, 'helpers/without-onnxruntime.mjs'),
        '--import',
        'tsx',
        join(here, 'helpers/specialize-without-runtime.ts'),
      ],
      { cwd: join(here, '..') },
    );
    const report = JSON.parse(stdout) as SpecializeReport;
    expect(report.notes).toEqual([
      'onnxruntime-node is not installed: constant nodes without an exact kernel were kept',
    ]);
    expect(report.folded.onnxruntime).toBe(0);
    expect(report.folded.kernel).toBeGreaterThan(100);
    expect(new Set(report.kept.map((k) => k.op))).toEqual(new Set(['Sin', 'Cos', 'Resize']));
    expect(report.ops.Shape?.after).toBe(0);
  });
});

describe('the folding size limit', () => {
  it('keeps the node of a constant larger than maxFoldElements, outputs unchanged', async () => {
    const model = zooModule('tiny', 'image_encoder');
    const { model: out, report } = await specializeModel(model, { maxFoldElements: 10_000 });
    const big = report.kept.filter((k) => /over the folding limit/.test(k.reason));
    expect(big.length).toBeGreaterThan(0);
    expect(graphOf(out).node.some((n) => n.name === big[0]!.node)).toBe(true);
    const original = new Set(graphOf(model).initializer.map((t) => t.name));
    const added = graphOf(out).initializer.filter((t) => !original.has(t.name));
    for (const t of added) expect(t.dims.reduce<number>((a, d) => a * Number(d), 1)).toBeLessThanOrEqual(10_000);
    const [a, b] = await runBoth(model, out, boundFeeds(model, {}), 'disabled');
    expectSameBits(b, a, 'size-limited');
  });
});
