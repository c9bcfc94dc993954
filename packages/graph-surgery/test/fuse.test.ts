import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  convertToFloat16,
  DataType,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  encodeModel,
  FUSIONS,
  findNormalizations,
  fuseForOrt,
  insertFp32Islands,
  makeModel,
  makeNode,
  makeValueInfo,
  nodeNamesOfPattern,
  readModel,
  writeModel,
} from '../src/index.js';
import { feedsFor } from './helpers/bake-checks.js';
import { relativeL2, runModel } from './helpers/ort-feeds.js';
import { ZOO_DIMS, zooModule, zooModules } from './helpers/zoo.js';
import { errors, ISLANDS } from './helpers/zoo-suites.js';

const HINTS = {
  dims: { num_mem_tokens: ZOO_DIMS.num_mem_tokens, num_points: ZOO_DIMS.num_points },
  inputValues: { num_obj_ptr_tokens: [ZOO_DIMS.num_obj_ptr_tokens] },
};
const count = (model: { graph?: { node: { opType?: string; domain?: string }[] } }, op: string) =>
  model.graph!.node.filter((n) => n.opType === op).length;

const references = new Map<object, Promise<Awaited<ReturnType<typeof runModel>>>>();

/** Worst relative L2 over every output of `fused` against `original`, both run unoptimised on ort-cpu. */
async function worstError(fused: Parameters<typeof runModel>[0], original: Parameters<typeof runModel>[0]) {
  const feeds = feedsFor(original, ZOO_DIMS);
  // Unoptimised, so that ORT's own fusions do not make both sides the same graph. One reference run per model.
  if (!references.has(original)) references.set(original, runModel(original, feeds, { optimization: 'disabled' }));
  const expected = await references.get(original)!;
  const actual = await runModel(fused, feeds, { optimization: 'disabled' });
  return Math.max(...Object.keys(expected).map((k) => relativeL2(actual[k]!.data, expected[k]!.data)));
}

describe('graph-surgery fuse on the tiny zoo (checked against the original on ort-cpu)', () => {
  for (const module of EFFICIENTTAM_MODULES) {
    it.each(FUSIONS)(`${module}: %s alone keeps every output within 1e-5 relative L2`, async (fusion) => {
      const original = zooModule('tiny', module);
      const { model, report } = fuseForOrt(original, { fusions: [fusion], shapeHints: HINTS });
      expect(report.nodesAfter).toBeLessThanOrEqual(report.nodesBefore);
      expect(await worstError(model, original)).toBeLessThan(1e-5);
    });
  }

  it('fuses every GELU, every decomposed layer norm and the residual layer norms ORT accepts', () => {
    for (const module of EFFICIENTTAM_MODULES) {
      const original = zooModule('tiny', module);
      const decomposed = findNormalizations(original.graph!).filter((m) => m.kind === 'decomposed').length;
      const { model, report } = fuseForOrt(original, { shapeHints: HINTS });
      expect(report.fused.gelu, module).toBe(count(original, 'Erf'));
      expect(count(model, 'Erf'), module).toBe(0);
      expect(count(model, 'Gelu') + count(model, 'BiasGelu'), module).toBe(count(original, 'Erf'));
      expect(report.fused.layernorm, module).toBe(decomposed);
      expect(count(model, 'ReduceMean'), module).toBe(count(original, 'ReduceMean') - 2 * decomposed);
      if (report.usesContribOps) expect(model.opsetImport).toContainEqual({ domain: 'com.microsoft', version: 1 });
    }
    // Memory attention's residual norms (3-D tokens) become SkipLayerNormalization once its shapes are bound;
    // the image encoder's ViT keeps 4-D [B, H, W, C] tensors, which ORT's kernel does not take.
    const attention = fuseForOrt(zooModule('tiny', 'memory_attention'), { shapeHints: HINTS }).report;
    expect(attention.fused['skip-layernorm']).toBe(
      count(zooModule('tiny', 'memory_attention'), 'LayerNormalization') - 1,
    );
    expect(fuseForOrt(zooModule('tiny', 'memory_attention')).report.fused['skip-layernorm']).toBeLessThan(
      attention.fused['skip-layernorm']!,
    );
    expect(fuseForOrt(zooModule('tiny', 'image_encoder')).report.fused['skip-layernorm']).toBe(0);
  });

  it('all fusions together: every module within 1e-5 of the original; the input model is not changed', async () => {
    for (const module of EFFICIENTTAM_MODULES) {
      const original = zooModule('tiny', module);
      const before = encodeModel(original);
      const { model } = fuseForOrt(original, { shapeHints: HINTS });
      expect(encodeModel(original)).toEqual(before);
      expect(await worstError(model, original), module).toBeLessThan(1e-5);
    }
  });

  it('FastGelu approximates GELU: close (< 1e-2) but not exact', async () => {
    const original = zooModule('tiny', 'memory_encoder');
    const { model } = fuseForOrt(original, { fusions: ['gelu'], geluForm: 'fast' });
    expect(count(model, 'FastGelu')).toBe(count(original, 'Erf'));
    const error = await worstError(model, original);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(1e-2);
  });

  it('layer-norm patterns, FP16 conversion and FP32 islands work on the fused graph', async () => {
    for (const module of ['mask_decoder', 'memory_encoder'] as const) {
      const original = zooModule('tiny', module);
      const { model } = fuseForOrt(original, { shapeHints: HINTS });
      expect(findNormalizations(model.graph!).length, module).toBe(findNormalizations(original.graph!).length);
      expect(nodeNamesOfPattern(model.graph!, 'attention').length).toBe(
        nodeNamesOfPattern(original.graph!, 'attention').length,
      );
      const half = convertToFloat16(model, { keepIoTypes: true }).model;
      const islands = insertFp32Islands(half, { patterns: ISLANDS, preset: { dims: HINTS.dims } }).model;
      for (const e of await errors(islands, original)) expect(e, module).toBeLessThan(1e-2);
    }
  });

  it('with outliers: the decomposed LayerNorm2d squares overflow emulated FP16; fused into one LayerNormalization they do not', async () => {
    const original = zooModules('tiny', true, ['image_encoder']).image_encoder!;
    const { model } = fuseForOrt(original);
    const feeds = feedsFor(original, ZOO_DIMS);
    // The unfused neck stores x^2 as a tensor, which FP16 storage turns into Inf; the fused op keeps its statistics
    // inside the kernel (ORT's LayerNormalization kernels accumulate in FP32), so no tensor overflows.
    const unfused = await errors(emulateFloat16(original).model, original, feeds);
    const fused = await errors(emulateFloat16(model).model, original, feeds);
    const islands = await errors(emulateFloat16(model, { exceptPatterns: ISLANDS }).model, original, feeds);
    expect(Math.max(...unfused)).toBeGreaterThan(0.5);
    for (const e of [...fused, ...islands]) expect(e).toBeLessThan(1e-2);
  });
});

describe('redundant Casts', () => {
  it('removes same-type Casts and lossless integer round trips, keeps a narrowing float pair', async () => {
    const graph = {
      name: 'casts',
      node: [
        makeNode({ opType: 'Cast', name: 'same', inputs: ['x'], outputs: ['x1'], attributes: { to: DataType.FLOAT } }),
        makeNode({
          opType: 'Cast',
          name: 'round',
          inputs: ['x1'],
          outputs: ['x2'],
          attributes: { to: DataType.FLOAT16 },
        }),
        makeNode({ opType: 'Cast', name: 'back', inputs: ['x2'], outputs: ['y'], attributes: { to: DataType.FLOAT } }),
        makeNode({ opType: 'Cast', name: 'wide', inputs: ['i'], outputs: ['i1'], attributes: { to: DataType.INT64 } }),
        makeNode({
          opType: 'Cast',
          name: 'narrow',
          inputs: ['i1'],
          outputs: ['i2'],
          attributes: { to: DataType.INT32 },
        }),
        makeNode({ opType: 'Neg', name: 'neg', inputs: ['i2'], outputs: ['j'] }),
      ],
      input: [makeValueInfo('x', DataType.FLOAT, [3]), makeValueInfo('i', DataType.INT32, [2])],
      output: [makeValueInfo('y', DataType.FLOAT, [3]), makeValueInfo('j', DataType.INT32, [2])],
      initializer: [],
      sparseInitializer: [],
      valueInfo: [],
      quantizationAnnotation: [],
      metadataProps: [],
    };
    const model = makeModel({ graph });
    const { model: fused, report } = fuseForOrt(model, { fusions: ['casts'] });
    expect(report.fused.casts).toBe(3);
    expect(fused.graph!.node.map((n) => n.name)).toEqual(['round', 'back', 'neg']);
    const feeds = {
      x: { type: 'float32' as const, dims: [3], data: [1.0001, 70000, -2] },
      i: { type: 'int32' as const, dims: [2], data: [5, -7] },
    };
    const expected = await runModel(model, feeds);
    const actual = await runModel(fused, feeds);
    expect(Array.from(actual.y!.data)).toEqual(Array.from(expected.y!.data));
    expect(Array.from(actual.j!.data)).toEqual([-5, 7]);
  });

  it('BAD CALL - an unknown fusion name is a typed error naming the known ones', () => {
    expect(() => fuseForOrt(zooModule('tiny', 'memory_encoder'), { fusions: ['attention' as never] })).toThrow(
      expect.objectContaining({ code: 'FUSION_UNKNOWN', remedy: expect.stringContaining('skip-layernorm') }),
    );
  });
});

describe('graph-surgery fuse (CLI)', () => {
  const cli = async (...argv: string[]) => {
    const text = { out: '', err: '' };
    const code = await main(argv, {
      out: (t) => {
        text.out += t;
      },
      err: (t) => {
        text.err += t;
      },
    });
    return { code, ...text };
  };

  it('writes the fused model and prints what it fused; bad fusion names are usage errors, nothing written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-fuse-cli-'));
    await writeModel(zooModule('tiny', 'memory_encoder'), join(dir, 'in.onnx'));
    const before = await readFile(join(dir, 'in.onnx'));
    const r = await cli('fuse', join(dir, 'in.onnx'), '-o', join(dir, 'out.onnx'), '--fusion', 'layernorm', 'gelu');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/layernorm 6, gelu 6; nodes \d+ -> \d+/);
    expect(r.out).toMatch(/com\.microsoft ops/);
    expect(count(await readModel(join(dir, 'out.onnx')), 'Gelu')).toBe(6);
    expect(await readFile(join(dir, 'in.onnx'))).toEqual(before);
    const bad = await cli('fuse', join(dir, 'in.onnx'), '-o', join(dir, 'bad.onnx'), '--fusion', 'attention');
    expect(bad.code).toBe(2);
    await expect(readFile(join(dir, 'bad.onnx'))).rejects.toThrow();
  });
});
