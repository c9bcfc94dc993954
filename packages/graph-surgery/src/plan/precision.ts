/** The floating-point precisions a plan can ask TensorRT for. */
export type Precision = 'fp32' | 'fp16' | 'bf16';

/** The value of `engine-builder build --precision`: a plain precision, or `mixed` (FP16 with FP32 islands). */
export type PrecisionMode = Precision | 'mixed';

export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'bf16'];
export const PRECISION_MODES: readonly PrecisionMode[] = ['fp32', 'fp16', 'bf16', 'mixed'];

export function isPrecision(value: unknown): value is Precision {
  return typeof value === 'string' && (PRECISIONS as readonly string[]).includes(value);
}
