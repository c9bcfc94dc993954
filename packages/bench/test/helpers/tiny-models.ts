import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTinyModel, type TinyModel } from '../../src/index.js';

/** scores = Softmax(MatMul(a, b), axis=-1) with a dynamic row count: compute ops every provider must take. */
export const ATTENTION_SCORES_MODEL: TinyModel = {
  inputs: [
    { name: 'a', elemType: 1, dims: ['rows', 8] },
    { name: 'b', elemType: 1, dims: [8, 4] },
  ],
  outputs: [{ name: 'scores', elemType: 1, dims: ['rows', 4] }],
  nodes: [
    { opType: 'MatMul', inputs: ['a', 'b'], outputs: ['logits'], name: '/attn/MatMul' },
    { opType: 'Softmax', inputs: ['logits'], outputs: ['scores'], name: '/attn/Softmax', intAttributes: { axis: -1 } },
  ],
};

/** A temp directory with the given models written as `<name>.onnx`; `dispose()` removes it. */
export async function writeTinyModels(
  models: Record<string, TinyModel>,
): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tamkit-bench-test-'));
  for (const [name, model] of Object.entries(models))
    await writeFile(join(dir, `${name}.onnx`), encodeTinyModel(model));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Row-wise softmax(a @ b), computed directly in JS as the reference. */
export function referenceScores(a: Float32Array, b: Float32Array, rows: number, inner: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    const logits: number[] = [];
    for (let c = 0; c < cols; c += 1) {
      let sum = 0;
      for (let k = 0; k < inner; k += 1) sum += a[r * inner + k]! * b[k * cols + c]!;
      logits.push(sum);
    }
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((s, e) => s + e, 0);
    out.push(...exps.map((e) => e / total));
  }
  return out;
}

/**
 * `layers` MatMuls of x [rows, size] by one weight input w [size, size], one after the other: the run time grows
 * with `layers`. `tag` goes into the node names only, so two tags give different bytes for the same computation.
 */
export function matMulChain(layers: number, size: number, tag = 'a'): TinyModel {
  const names = Array.from({ length: layers + 1 }, (_, i) => (i === 0 ? 'x' : i === layers ? 'y' : `h${i}`));
  return {
    inputs: [
      { name: 'x', elemType: 1, dims: [size, size] },
      { name: 'w', elemType: 1, dims: [size, size] },
    ],
    outputs: [{ name: 'y', elemType: 1, dims: [size, size] }],
    nodes: names.slice(1).map((out, i) => ({
      opType: 'MatMul',
      inputs: [names[i]!, 'w'],
      outputs: [out],
      name: `/${tag}/MatMul_${i}`,
    })),
  };
}
