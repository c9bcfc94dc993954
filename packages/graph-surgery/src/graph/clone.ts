/**
 * Deep copy of decoded ONNX messages that shares byte buffers: passes copy a model before editing it, and
 * weights are most of a model, so `Uint8Array`s (rawData, string data) are treated as immutable and shared.
 */
export function cloneMessage<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v) => cloneMessage(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = cloneMessage(v);
  return out as T;
}
