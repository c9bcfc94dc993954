import type { OrtModule } from '../stacks/ort/load-ort.js';
import type { ElementType, RunnerTensor } from '../stacks/types.js';
import type { ModuleRunner } from './module-runner.js';

/** Host data of a tensor: a view for host tensors; a download by its runner (device buffer kept) otherwise. */
export async function hostFloats(runner: Pick<ModuleRunner, 'toHost'>, tensor: RunnerTensor): Promise<Float32Array> {
  if (tensor.location === 'cpu') return tensor.data as Float32Array;
  const { t } = await runner.toHost({ t: tensor }, { keepDevice: true });
  return t!.data as Float32Array;
}

/** Releases device-resident tensors (no-op for host tensors). */
export function releaseDevice(tensors: readonly (RunnerTensor | undefined)[]): void {
  for (const t of tensors) if (t && t.location !== 'cpu') t.dispose();
}

/** A scalar or small integer tensor of the element type the model declares (int64 or int32). */
export function intTensor(ort: OrtModule, type: ElementType, values: readonly number[], dims: readonly number[]) {
  return type === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        dims,
      )
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

/** The declared element type of an input. */
export function inputType(runner: ModuleRunner, name: string): ElementType {
  return runner.inputs.find((i) => i.name === name)?.type ?? 'float32';
}

/** Whether a rank-3 input is declared batch-first ([1, tokens, C], a baked memory layout) rather than [tokens, 1, C]. */
export function isBatchFirst(runner: ModuleRunner, name: string): boolean {
  const shape = runner.inputs.find((i) => i.name === name)?.shape;
  return shape !== undefined && shape[0] === 1 && typeof shape[1] !== 'number';
}
