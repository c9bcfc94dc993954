/** Messages between a ThreadedRunner and its worker. Tensors travel as plain data; errors as their fields. */
import type { Tensor } from 'onnxruntime-node';
import type { OrtModule } from '../ort/load-ort.js';
import type { OrtLogLevel } from '../ort/log-level.js';
import type { PortableEdit, RunnerSettings } from '../stack-definition.js';
import type { ElementType, RunnerTensor } from '../types.js';

/** A host tensor as plain data (structured-cloneable; the data may be transferred). */
export interface PlainTensor {
  type: ElementType;
  dims: number[];
  data: ArrayBufferView;
}

export type PlainTensors = Record<string, PlainTensor>;

/** The settings a worker can take: graph edits travel as their descriptions (functions cannot cross a thread). */
export type PortableSettings = Omit<RunnerSettings, 'edits'> & { edits?: PortableEdit[] };

export type RunnerCall =
  | {
      id: number;
      kind: 'activate';
      stack: string;
      settings: PortableSettings;
      modelPath: string;
      logLevel: OrtLogLevel;
    }
  | { id: number; kind: 'infer'; feeds: PlainTensors; outputs?: readonly string[] }
  | { id: number; kind: 'profilePlacement'; feeds: PlainTensors; runs: number }
  | { id: number; kind: 'profileKernels'; feeds: PlainTensors; runs: number; options: Record<string, unknown> }
  | { id: number; kind: 'deactivate' };

/** A ToolkitError's fields (or a plain error's message), enough to raise the same error on the other side. */
export interface PlainError {
  name: string;
  message: string;
  code?: string;
  remedy?: string;
  exitCode?: number;
  stackName?: string;
  reason?: string;
}

export type RunnerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: PlainError };

/** The buffers of `tensors` that can move instead of being copied: each one owned by a single tensor, whole. */
export function movableBuffers(tensors: PlainTensors): ArrayBuffer[] {
  const seen = new Map<ArrayBufferLike, number>();
  for (const t of Object.values(tensors)) seen.set(t.data.buffer, (seen.get(t.data.buffer) ?? 0) + 1);
  return Object.values(tensors).flatMap((t) => {
    const buffer = t.data.buffer;
    const whole = t.data.byteOffset === 0 && t.data.byteLength === buffer.byteLength;
    return buffer instanceof ArrayBuffer && whole && seen.get(buffer) === 1 ? [buffer] : [];
  });
}

/** A host tensor as plain data, over the same memory. */
export function plainTensor(t: RunnerTensor): PlainTensor {
  return { type: t.type, dims: [...t.dims], data: t.data as ArrayBufferView };
}

/** The tensor of plain data, over the same memory. */
export function tensorFrom(ort: OrtModule, t: PlainTensor): RunnerTensor {
  return new ort.Tensor(t.type, t.data as Tensor.DataType, t.dims);
}

/** Every entry of a record mapped by `f`, names kept. */
export function mapTensors<A, B>(record: Record<string, A>, f: (value: A, name: string) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, f(value, name)]));
}
