/**
 * `pinInputDims`: what ONNX Runtime's `freeDimensionOverrides` session option does (its
 * FreeDimensionOverrideTransformer), as a model edit: graph-input dims with a symbolic name get the given size.
 * Nothing else changes: the runtime's own shape inference and constant folding then see the fixed dims. For
 * runtimes that do not expose the option (onnxruntime-node 1.30 passes no `freeDimensionOverrides` to the
 * session) this is the way to pin; `specializeModel` goes further and folds the graph itself.
 */
import { cloneMessage } from '../graph/clone.js';
import type { ModelProto } from '../onnx/types.js';

/** A copy of `model` with every graph-input dim named in `dims` set to that size; `pinned` lists what was set. */
export function pinInputDims(
  model: ModelProto,
  dims: Readonly<Record<string, number>>,
): { model: ModelProto; pinned: string[] } {
  const out = cloneMessage(model);
  const pinned: string[] = [];
  for (const input of out.graph?.input ?? []) {
    const shape = input.type?.tensorType?.shape;
    if (!shape) continue;
    shape.dim = shape.dim.map((d, axis) => {
      const size = d.dimParam === undefined ? undefined : dims[d.dimParam];
      if (size === undefined) return d;
      if (!(Number.isInteger(size) && size >= 0))
        throw new RangeError(`dims.${d.dimParam} must be a size, got ${size}`);
      pinned.push(`${input.name}[${axis}] ${d.dimParam}=${size}`);
      return { ...(d.denotation === undefined ? {} : { denotation: d.denotation }), dimValue: size };
    });
  }
  return { model: out, pinned };
}
