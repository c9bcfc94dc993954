/**
 * What the bakes share: reading I/O signatures, the record of applied bakes (so a bake is never applied twice),
 * opset-dependent node forms.
 */
import { ToolkitError } from '@tamkit/common';
import { makeNode } from '../../graph/build.js';
import type { Graph } from '../../graph/graph.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type ModelProto, type NodeProto, type ValueInfoProto } from '../../onnx/types.js';

/** A graph input or output as the bakes look at it: dims are numbers (fixed) or null (symbolic/unknown). */
export interface IoSignature {
  name: string;
  elemType: number;
  dims: (number | null)[] | undefined;
  /** The declared dims as written (symbolic names kept), to copy onto new I/O. */
  declared: (number | string | null)[] | undefined;
}

export function signatureOfValue(v: ValueInfoProto): IoSignature {
  const t = v.type?.tensorType;
  const dim = t?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: t?.elemType ?? 0,
    dims: dim?.map((d) => (d.dimValue !== undefined && Number(d.dimValue) > 0 ? Number(d.dimValue) : null)),
    declared: dim?.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : (d.dimParam ?? null))),
  };
}

export const isFloat = (s: IoSignature) => s.elemType === DataType.FLOAT || s.elemType === DataType.FLOAT16;

const BAKES_KEY = 'tamkit.bakes';

/** The bakes applied to this model so far (from its metadata). */
export function appliedBakes(model: ModelProto): string[] {
  const entry = model.metadataProps.find((p) => p.key === BAKES_KEY);
  if (!entry?.value) return [];
  try {
    const list = JSON.parse(entry.value) as unknown;
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}

/** Refuses a bake already applied (by the record, or by `evidence` seen in the graph). */
export function refuseTwice(model: ModelProto, bake: string, evidence?: string): void {
  if (appliedBakes(model).includes(bake) || evidence) {
    throw new ToolkitError(
      'BAKE_ALREADY_APPLIED',
      `bake ${bake}: already applied to this model${evidence ? ` (${evidence})` : ''}`,
      {
        remedy: 'Bake the original export; a bake applied twice would resize, transpose or normalise twice.',
      },
    );
  }
}

export function recordBake(model: ModelProto, bake: string): void {
  const list = [...appliedBakes(model), bake];
  const entry = model.metadataProps.find((p) => p.key === BAKES_KEY);
  if (entry) entry.value = JSON.stringify(list);
  else model.metadataProps.push({ key: BAKES_KEY, value: JSON.stringify(list) });
}

export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

export function requireOpset(model: ModelProto, bake: string, min: number): number {
  const opset = defaultOpset(model);
  if (opset < min) {
    throw new ToolkitError('OPSET_TOO_OLD', `bake ${bake}: needs opset >= ${min}, the model has ${opset}`, {
      remedy: `Re-export the model at opset ${min} or later.`,
    });
  }
  return opset;
}

/**
 * Emits nodes straight into the graph, in order, from position `at` (default: the end), so every name it
 * makes is known to the graph and stays unique.
 */
export class NodeWriter {
  readonly nodes: NodeProto[] = [];
  private at: number | undefined;

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    readonly prefix: string,
    at?: number,
  ) {
    this.at = at;
  }

  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, number | string | number[] | { floats: number[] }> = {},
  ): string {
    const name = this.graph.uniqueName(`${this.prefix}/${opType}`);
    const output = this.graph.uniqueName(`${name}_output_0`);
    const node = makeNode({ opType, name, inputs, outputs: [output], attributes });
    this.nodes.push(node);
    if (this.at === undefined) this.graph.proto.node.push(node);
    else this.graph.proto.node.splice(this.at++, 0, node);
    this.graph.invalidate();
    return output;
  }

  constant(label: string, dataType: number, dims: number[], values: ArrayLike<number> | ArrayLike<bigint>): string {
    const t = this.graph.addInitializer(makeTensor(`${this.prefix}/${label}`, dataType, dims, values));
    return t.name ?? '';
  }

  /** A Reduce* node in the form the opset wants (axes as attribute before 18, as input from 18; ReduceSum from 13). */
  reduce(opType: string, input: string, axes: number[], keepdims: 0 | 1): string {
    const axesAsInput = opType === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    if (axesAsInput) {
      return this.op(opType, [input, this.constant('axes', DataType.INT64, [axes.length], axes.map(BigInt))], {
        keepdims,
      });
    }
    return this.op(opType, [input], { axes, keepdims });
  }

  unsqueeze(input: string, axes: number[]): string {
    if (this.opset >= 13)
      return this.op('Unsqueeze', [input, this.constant('axes', DataType.INT64, [axes.length], axes.map(BigInt))]);
    return this.op('Unsqueeze', [input], { axes });
  }
}
