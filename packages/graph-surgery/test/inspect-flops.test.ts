import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  buildImageEncoder,
  conv2d,
  convTranspose2d,
  estimateFlops,
  gemm,
  IMAGE_ENCODER_CONFIG,
  inferShapes,
  linear,
  ModuleBuilder,
  reshape,
  SHARED_DIMS,
  scaledDotProductAttention,
  splitHeads,
  writeModel,
} from '../src/index.js';

describe('estimateFlops', () => {
  it('counts 2*M*N*K for weight MatMul and Gemm, and attention MatMuls apart', () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', [1, 10, 8]);
    const h = linear(b, x, 'fc', 8, 16); // 2*10*16*8
    const q = splitHeads(b, h, 2); // [1,2,10,8]
    const att = scaledDotProductAttention(b, q, q, q).output; // scores 2*2*10*10*8, context 2*2*10*8*10
    b.output('y', att, [1, 2, 10, 8]);
    const flat = b.input('v', [3, 8]);
    b.output('g', gemm(b, flat, 'head', 8, 5), [3, 5]); // 2*3*5*8
    const f = estimateFlops(b.build());
    expect(f.byCategory.matmul).toBe(2 * 10 * 16 * 8);
    expect(f.byCategory.attention).toBe(2 * (2 * 2 * 10 * 10 * 8));
    expect(f.byCategory.gemm).toBe(2 * 3 * 5 * 8);
    expect(f.total).toBe(f.byCategory.matmul + f.byCategory.attention + f.byCategory.gemm);
    expect(f.unresolved).toEqual([]);
  });

  it('counts Conv by output elements and ConvTranspose by input elements', () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', [1, 4, 16, 16]);
    const c = conv2d(b, x, 'c', 4, 6, 3, { stride: 2, padding: 1 }); // out [1,6,8,8]
    const dw = conv2d(b, c, 'dw', 6, 6, 7, { padding: 3, groups: 6 }); // out [1,6,8,8], 1 input channel each
    const up = convTranspose2d(b, dw, 'up', 6, 2, 2, { stride: 2 }); // in [1,6,8,8] -> [1,2,16,16]
    b.output('y', up, [1, 2, 16, 16]);
    const f = estimateFlops(b.build());
    expect(f.byCategory.conv).toBe(2 * (6 * 8 * 8) * (4 * 9) + 2 * (6 * 8 * 8) * 49);
    expect(f.byCategory.convTranspose).toBe(2 * (6 * 8 * 8) * 2 * 4);
  });

  it('binds symbolic dims, reports the ones it assumed and resolves reshapes computed from shapes', () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', ['tokens', 1, 8]);
    const y = linear(b, reshape(b, x, [1, -1, 8]), 'fc', 8, 8);
    b.output('y', y, [1, 'tokens', 8]);
    const model = b.build();
    expect(estimateFlops(model, { dims: { tokens: 100 } }).total).toBe(2 * 100 * 8 * 8);
    const assumed = estimateFlops(model);
    expect(assumed.assumedDims).toEqual({ tokens: 1 });
    expect(assumed.total).toBe(2 * 8 * 8);
  });

  it('lists compute nodes behind an op it cannot infer instead of guessing', () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', [2, 8]);
    const odd = b.op1('NonMaxSuppression', [x]);
    b.output('y', linear(b, odd, 'fc', 8, 4), [2, 4]);
    const f = estimateFlops(b.build());
    expect(f.unresolved).toEqual(['/m/fc/MatMul']);
    expect(f.total).toBe(0);
  });

  it('matches a closed-form count for the full image encoder (windowed blocks run on the padded 42x42 grid)', () => {
    const cfg = IMAGE_ENCODER_CONFIG.full;
    const { dModel, featureSize } = SHARED_DIMS.full;
    const C = cfg.embedDim;
    const tokens = featureSize * featureSize;
    const padded = Math.ceil(featureSize / cfg.windowSize) * cfg.windowSize;
    const windows = (padded / cfg.windowSize) ** 2;
    const windowTokens = cfg.windowSize ** 2;
    const headDim = C / cfg.heads;
    let matmul = 0;
    let attention = 0;
    for (let i = 0; i < cfg.depth; i++) {
      const global = cfg.globalBlocks.includes(i);
      const attnTokens = global ? tokens : windows * windowTokens;
      matmul += 2 * attnTokens * C * (3 * C + C) + 2 * tokens * C * (2 * cfg.mlpRatio * C);
      attention += global
        ? 2 * 2 * cfg.heads * tokens * tokens * headDim
        : 2 * 2 * windows * cfg.heads * windowTokens * windowTokens * headDim;
    }
    const conv = 2 * tokens * C * (3 * 16 * 16) + 2 * tokens * dModel * C + 2 * tokens * dModel * (dModel * 9);
    const f = estimateFlops(buildImageEncoder({ size: 'full', seed: 0, outliers: false }).model);
    expect(f.byCategory).toEqual({ matmul, attention, gemm: 0, conv, convTranspose: 0 });
  });

  it('propagates shapes through the windowed-attention padding chain of the image encoder', () => {
    const model = buildImageEncoder({ size: 'tiny', seed: 0, outliers: false }).model;
    const graph = model.graph!;
    const { facts } = inferShapes(graph);
    const pad = graph.node.find((n) => n.opType === 'Pad')!;
    expect(facts.get(pad.output[0]!)?.shape).toEqual([1, 42, 42, IMAGE_ENCODER_CONFIG.tiny.embedDim]);
    for (const out of graph.output) expect(facts.get(out.name!)?.shape).toEqual([1, SHARED_DIMS.tiny.dModel, 32, 32]);
  });
});

describe('graph-surgery inspect', () => {
  it('prints estimated FLOPs and binds --dim', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flops-'));
    try {
      const b = new ModuleBuilder('m', { seed: 0 });
      b.output('y', linear(b, b.input('x', ['n', 4]), 'fc', 4, 4), ['n', 4]);
      const path = join(dir, 'm.onnx');
      await writeModel(b.build(), path);
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: () => undefined };
      expect(await main(['inspect', path, '--dim', 'n=1000'], io)).toBe(0);
      expect(out.join('\n')).toMatch(/estimated FLOPs: 32\.00 kFLOP/);
      expect(await main(['inspect', path, '--json'], io)).toBe(0);
      expect(JSON.parse(out[1]!).flops.assumedDims).toEqual({ n: 1 });
      expect(await main(['inspect', path, '--dim', 'n=x'], io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
