/**
 * memory_attention bake: accept memory inputs batch-first (B, T, C) and Transpose them to the sequence-first
 * (T, B, C) layout the exported graph expects, so callers can pass the memory bank as they store it.
 */
import { ToolkitError } from '@tamkit/common';
import { makeNode, makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import type { ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { isFloat, recordBake, refuseTwice, signatureOfValue } from './common.js';

export interface MemoryLayoutOptions {
  /**
   * Inputs to take as (B, T, C) (default: the rank-3 float inputs whose token dimension is not fixed, i.e. the
   * memory and its position encoding; the current frame's features have a fixed token count).
   */
  inputs?: readonly string[];
}

export interface MemoryLayoutReport {
  /** Inputs now taken batch-first, with their new declared shape. */
  inputs: { name: string; shape: (number | string | null)[] }[];
}

export function bakeMemoryLayout(
  input: ModelProto,
  options: MemoryLayoutOptions = {},
): { model: ModelProto; report: MemoryLayoutReport } {
  refuseTwice(input, 'memory-layout');
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake memory-layout');
  const graph = new Graph(proto);
  const stored = new Set(proto.initializer.map((t) => t.name));
  const rank3 = proto.input
    .filter((v) => !stored.has(v.name))
    .map(signatureOfValue)
    .filter((s) => isFloat(s) && s.dims?.length === 3);
  let chosen = rank3.filter((s) => s.dims?.[0] === null);
  if (options.inputs) {
    const missing = options.inputs.filter((n) => !rank3.some((s) => s.name === n));
    if (missing.length) {
      throw new ToolkitError(
        'TENSOR_NOT_FOUND',
        `bake memory-layout: no rank-3 float input named ${missing.map((m) => `"${m}"`).join(', ')}`,
        {
          remedy: `Choose among: ${rank3.map((s) => s.name).join(', ') || '(none: is this memory_attention?)'}.`,
        },
      );
    }
    chosen = rank3.filter((s) => options.inputs!.includes(s.name));
  }
  if (chosen.length === 0) {
    throw new ToolkitError(
      'MODULE_MISMATCH',
      'bake memory-layout: no sequence-first memory input with a free token dimension',
      {
        remedy: 'Pass the memory_attention model, or name the memory inputs with --memory-inputs.',
      },
    );
  }
  const report: MemoryLayoutReport = { inputs: [] };
  for (const s of chosen) {
    const [t, b, c] = s.declared ?? [null, null, null];
    const shape = [b ?? null, t ?? null, c ?? null];
    const sequenceFirst = graph.uniqueName(`${s.name}_tbc`);
    graph.replaceAllUses(s.name, sequenceFirst);
    proto.node.unshift(
      makeNode({
        opType: 'Transpose',
        name: graph.uniqueName(`/bake/memory_layout/${s.name}/Transpose`),
        inputs: [s.name],
        outputs: [sequenceFirst],
        attributes: { perm: [1, 0, 2] },
      }),
    );
    graph.invalidate();
    const i = proto.input.findIndex((v) => v.name === s.name);
    proto.input[i] = makeValueInfo(s.name, s.elemType, shape);
    report.inputs.push({ name: s.name, shape });
  }
  recordBake(model, 'memory-layout');
  return { model, report };
}
