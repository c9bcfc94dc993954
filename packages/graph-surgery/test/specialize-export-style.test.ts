/**
 * `specializeModel` on graphs with a real export's constructs (test/helpers/export-style.ts): run-time attention
 * scale, RoPE tables sliced and tiled by run-time lengths with `num_obj_ptr_tokens` an int64 input, expand(-1)
 * through Equal/Where, repeat_interleave, placeholder output dims. Outputs bit-identical to ONNX Runtime on the
 * original; bindings that contradict the graph refused with a typed error naming the bindings and the node.
 */
import { describe, expect, it } from 'vitest';
import { BindingConflictError, type ModelProto, specializeModel, type ToolkitError } from '../src/index.js';
import { EXPORT_STYLE, exportStyleMaskDecoder, exportStyleMemoryAttention } from './helpers/export-style.js';
import { graphOf, maxScaledDiff, runModel } from './helpers/ort-feeds.js';
import { boundFeeds, expectSameBits, runBoth } from './helpers/specialize-checks.js';

const FRAME = EXPORT_STYLE.grid * EXPORT_STYLE.grid;
const PER_POINTER = EXPORT_STYLE.dModel / EXPORT_STYLE.memDim;
/** Bindings for `frames` memory frames and `pointers` object pointers. */
const bank = (frames: number, pointers: number) => ({
  dims: { num_mem_tokens: frames * FRAME + pointers * PER_POINTER },
  values: { num_obj_ptr_tokens: pointers * PER_POINTER },
});

const SHAPE_OPS = ['Shape', 'Size', 'ConstantOfShape', 'Range', 'Cast', 'Sqrt', 'Tile', 'Expand', 'Equal'];
const remaining = (model: ModelProto, ops: string[]) =>
  graphOf(model)
    .node.filter((n) => ops.includes(n.opType ?? ''))
    .map((n) => `${n.opType} ${n.name}`);

async function expectIdentical(model: ModelProto, options: Parameters<typeof specializeModel>[1]) {
  const { model: out, report } = await specializeModel(model, options);
  const feeds = boundFeeds(model, options ?? {});
  const [a, b] = await runBoth(model, out, feeds, 'disabled');
  expectSameBits(b, a, 'specialised');
  const [c, d] = await runBoth(model, out, feeds, 'all');
  for (const [name, value] of Object.entries(c)) expect(maxScaledDiff(d[name]!.data, value.data)).toBeLessThan(1e-5);
  return { out, report };
}

describe('specializeModel on an export-style memory attention', () => {
  it.each([
    [2, 1],
    [1, 4],
    [7, 16],
  ])('%i frames and %i pointers: bit-identical, no shape arithmetic left, pointer input gone', async (f, p) => {
    const model = exportStyleMemoryAttention();
    const { out, report } = await expectIdentical(model, bank(f, p));
    expect(remaining(out, SHAPE_OPS)).toEqual([]);
    expect(report.removedInputs).toEqual(['num_obj_ptr_tokens']);
    expect(graphOf(out).input.map((v) => v.name)).toEqual(['curr', 'memory', 'memory_pos']);
    const declared = graphOf(out).output[0]?.type?.tensorType?.shape?.dim.map((d) => d.dimValue);
    expect(declared).toEqual([FRAME, 1, EXPORT_STYLE.dModel]);
    expect(report.nodes.after).toBeLessThan(report.nodes.before / 2);
  });

  it('refuses a pointer count the RoPE tiling cannot take, naming the bindings and the node (ORT fails there too)', async () => {
    const model = exportStyleMemoryAttention();
    const options = { dims: { num_mem_tokens: 2 * FRAME + 4 }, values: { num_obj_ptr_tokens: 3 } };
    const error = await specializeModel(model, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BindingConflictError);
    const conflict = (error as BindingConflictError).detail;
    expect(conflict.bindings).toEqual([`num_mem_tokens=${2 * FRAME + 4}`, 'num_obj_ptr_tokens=3']);
    expect(conflict.op).toBe('Mul');
    expect(conflict.conflict).toMatch(/do not broadcast/);
    expect((error as ToolkitError).code).toBe('SPECIALIZE_CONFLICT');
    expect((error as ToolkitError).message).toContain(conflict.node);
    await expect(runModel(model, boundFeeds(model, options))).rejects.toThrow();
  });

  it('refuses a shape that contradicts a fixed dim, naming the input', async () => {
    const error = await specializeModel(exportStyleMemoryAttention(), {
      ...bank(1, 1),
      shapes: { curr: [FRAME - 1, 1, EXPORT_STYLE.dModel] },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SPECIALIZE_CONFLICT' });
    expect((error as Error).message).toMatch(/input "curr" dim 0 is fixed at 16/);
  });

  it('BAD CALL - unknown dim names, values for float inputs, unbound dims: typed errors that say what exists', async () => {
    const model = exportStyleMemoryAttention();
    await expect(specializeModel(model, { dims: { tokens: 3 } })).rejects.toMatchObject({
      code: 'SPECIALIZE_UNKNOWN_DIM',
      remedy: expect.stringContaining('num_mem_tokens'),
    });
    await expect(specializeModel(model, { ...bank(1, 1), values: { curr: 1 } })).rejects.toMatchObject({
      code: 'SPECIALIZE_VALUE_TYPE',
    });
    await expect(specializeModel(model, { values: { pointers: 1 } })).rejects.toMatchObject({
      code: 'SPECIALIZE_UNKNOWN_INPUT',
    });
    await expect(specializeModel(model, { values: { num_obj_ptr_tokens: 2 } })).rejects.toMatchObject({
      code: 'SPECIALIZE_UNBOUND',
      remedy: expect.stringContaining('--dim num_mem_tokens=N'),
    });
  });

  it('with partial, folds what the bound value decides and keeps the shape arithmetic of the free dim', async () => {
    const model = exportStyleMemoryAttention();
    const { model: out, report } = await specializeModel(model, { values: { num_obj_ptr_tokens: 4 }, partial: true });
    expect(report.nodes.after).toBeLessThan(report.nodes.before);
    expect(remaining(out, ['Shape']).length).toBeGreaterThan(0);
    const feeds = boundFeeds(model, bank(2, 2));
    const [a, b] = await runBoth(model, out, feeds, 'disabled');
    expectSameBits(b, a, 'partial');
  });
});

describe('specializeModel on an export-style mask decoder', () => {
  it.each([1, 2])('%i point(s): bit-identical, declared outputs concrete', async (points) => {
    const model = exportStyleMaskDecoder();
    const { out } = await expectIdentical(model, { dims: { num_points: points } });
    expect(remaining(out, ['Shape', 'Size', 'ConstantOfShape', 'Tile'])).toEqual([]);
    const declared = graphOf(out).output.map((o) =>
      o.type?.tensorType?.shape?.dim.map((d) => d.dimValue ?? d.dimParam),
    );
    expect(declared).toEqual([
      [1, 3, 16, 16],
      [1, 3],
    ]);
  });
});
