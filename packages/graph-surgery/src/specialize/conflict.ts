import { ToolkitError } from '@tamkit/common';

/**
 * A node whose inputs make it invalid (shapes that do not broadcast, a Reshape to the wrong element count, an
 * index out of range). Kernels and shape checks throw it; the propagation turns it into a ToolkitError that
 * names the node and the bound inputs its inputs came from.
 */
export class GraphConflict extends Error {
  override readonly name = 'GraphConflict';
}

/** Numpy-style broadcast of `shapes`; throws GraphConflict when two dims differ and neither is 1. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const at = rank - s.length + i;
      const d = s[i]!;
      const o = out[at]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[at] = d;
      else
        throw new GraphConflict(
          `shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} do not broadcast (dim ${d} against ${o})`,
        );
    }
  }
  return out;
}

/** Normalises a possibly negative axis of a rank-`rank` tensor, refusing one out of range. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw new GraphConflict(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** What `BindingConflictError` reports. */
export interface BindingConflict {
  /** The node's name. */
  node: string;
  op: string;
  /** What is wrong with its inputs. */
  conflict: string;
  /** The bindings its inputs follow from (`num_mem_tokens=1028`), empty when the graph itself is invalid. */
  bindings: string[];
}

/**
 * Bound shapes or values that contradict the graph: a node they reach becomes invalid (the original model
 * would fail there too with such inputs). Code `SPECIALIZE_CONFLICT`.
 */
export class BindingConflictError extends ToolkitError {
  override readonly name = 'BindingConflictError';
  readonly detail: BindingConflict;
  constructor(detail: BindingConflict) {
    const who = detail.bindings.length ? detail.bindings.join(', ') : 'the graph itself (no binding reaches it)';
    super(
      'SPECIALIZE_CONFLICT',
      `specialize: ${who} contradict${detail.bindings.length === 1 ? 's' : ''} the graph at node "${detail.node}" (${detail.op}): ${detail.conflict}`,
      {
        remedy: detail.bindings.length
          ? 'Bind shapes and values the model can run with (the original model fails at this node with such inputs too).'
          : 'The model is invalid at this node for any input; check the export.',
      },
    );
    this.detail = detail;
  }
}
