/** What `graph-surgery inspect` reports about a model: a JSON-serialisable summary. */
import { dataTypeBits, dataTypeName, elementCount } from '../onnx/tensor-data.js';
import type { ModelProto, TypeProto, ValueInfoProto } from '../onnx/types.js';
import { visitGraphs, visitModelTensors } from '../onnx/walk.js';
import { estimateFlops, type FlopsEstimate, type FlopsOptions, formatFlops } from './flops.js';

export interface TensorSignature {
  name: string;
  type: string;
  /** Each dim: a number, a symbolic name, or null when unknown. */
  shape: (number | string | null)[] | null;
}

export interface ModelSummary {
  irVersion: number | string | undefined;
  opsets: Record<string, number | string>;
  producer: string;
  graphName: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  nodes: number;
  /** Nodes in the main graph and every subgraph. */
  nodesIncludingSubgraphs: number;
  opHistogram: Record<string, number>;
  parameters: { count: number; bytes: number; byType: Record<string, { count: number; bytes: number }> };
  externalDataFiles: string[];
  functions: string[];
  metadata: Record<string, string>;
  /** Estimated FLOPs of MatMul/Gemm/Conv/ConvTranspose, attention (activation x activation MatMul) apart. */
  flops: FlopsEstimate;
}

/** Options of `inspectModel`. */
export interface InspectOptions {
  /** Symbolic dims and input values for the FLOP estimate (unbound symbolic dims count as 1). */
  flops?: FlopsOptions;
}

function typeName(type: TypeProto | undefined): string {
  if (!type) return 'unknown';
  if (type.tensorType) return dataTypeName(type.tensorType.elemType);
  if (type.sequenceType) return `seq(${typeName(type.sequenceType.elemType)})`;
  if (type.optionalType) return `optional(${typeName(type.optionalType.elemType)})`;
  if (type.mapType) return `map(${dataTypeName(type.mapType.keyType)},${typeName(type.mapType.valueType)})`;
  if (type.sparseTensorType) return `sparse(${dataTypeName(type.sparseTensorType.elemType)})`;
  return 'unknown';
}

export function signatureOf(v: ValueInfoProto): TensorSignature {
  const shape = v.type?.tensorType?.shape ?? v.type?.sparseTensorType?.shape;
  return {
    name: v.name ?? '',
    type: typeName(v.type),
    shape: shape ? shape.dim.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : (d.dimParam ?? null))) : null,
  };
}

export function inspectModel(model: ModelProto, options: InspectOptions = {}): ModelSummary {
  const graph = model.graph!;
  const initNames = new Set(graph.initializer.map((t) => t.name));
  const histogram: Record<string, number> = {};
  let all = 0;
  visitGraphs(graph, (g) => {
    all += g.node.length;
  });
  for (const n of graph.node) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : (n.opType ?? '');
    histogram[key] = (histogram[key] ?? 0) + 1;
  }
  const byType: Record<string, { count: number; bytes: number }> = {};
  let count = 0;
  let bytes = 0;
  const external = new Set<string>();
  visitModelTensors(model, (t) => {
    for (const e of t.externalData) if (e.key === 'location' && e.value) external.add(e.value);
    const isWeight = initNames.has(t.name) || t.dataLocation === 1;
    if (!isWeight) return;
    const n = elementCount(t);
    const size = Math.ceil((n * (dataTypeBits(t.dataType) ?? 0)) / 8);
    const key = dataTypeName(t.dataType);
    const entry = byType[key] ?? { count: 0, bytes: 0 };
    byType[key] = { count: entry.count + n, bytes: entry.bytes + size };
    count += n;
    bytes += size;
  });
  const opsets: Record<string, number | string> = {};
  for (const o of model.opsetImport)
    opsets[o.domain || 'ai.onnx'] = typeof o.version === 'bigint' ? String(o.version) : (o.version ?? 0);
  return {
    irVersion: typeof model.irVersion === 'bigint' ? String(model.irVersion) : model.irVersion,
    opsets,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    graphName: graph.name ?? '',
    inputs: graph.input.filter((i) => !initNames.has(i.name)).map(signatureOf),
    outputs: graph.output.map(signatureOf),
    nodes: graph.node.length,
    nodesIncludingSubgraphs: all,
    opHistogram: Object.fromEntries(Object.entries(histogram).sort((a, b) => b[1] - a[1])),
    parameters: { count, bytes, byType },
    externalDataFiles: [...external],
    functions: model.functions.map((f) => `${f.domain ?? ''}.${f.name ?? ''}`),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    flops: estimateFlops(model, options.flops),
  };
}

/** A human-readable rendering of the summary. */
export function formatSummary(path: string, s: ModelSummary): string {
  const sig = (t: TensorSignature) => `  ${t.name}: ${t.type}[${t.shape?.map((d) => d ?? '?').join(',') ?? '?'}]`;
  const lines = [
    `${path}`,
    `IR ${s.irVersion}, opsets ${Object.entries(s.opsets)
      .map(([d, v]) => `${d} ${v}`)
      .join(', ')}${s.producer ? `, from ${s.producer}` : ''}`,
    'inputs:',
    ...s.inputs.map(sig),
    'outputs:',
    ...s.outputs.map(sig),
    `nodes: ${s.nodes}${s.nodesIncludingSubgraphs !== s.nodes ? ` (${s.nodesIncludingSubgraphs} with subgraphs)` : ''}`,
    `ops: ${Object.entries(s.opHistogram)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `parameters: ${s.parameters.count.toLocaleString('en-US')} (${(s.parameters.bytes / 2 ** 20).toFixed(2)} MiB)` +
      Object.entries(s.parameters.byType)
        .map(([k, v]) => `; ${k} ${v.count.toLocaleString('en-US')}`)
        .join(''),
  ];
  const f = s.flops;
  const parts = Object.entries(f.byCategory)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${formatFlops(v)}`);
  lines.push(`estimated FLOPs: ${formatFlops(f.total)}${parts.length ? ` (${parts.join(', ')})` : ''}`);
  const assumed = Object.entries(f.assumedDims);
  if (assumed.length) lines.push(`  assuming ${assumed.map(([k, v]) => `${k}=${v}`).join(', ')} (bind with --dim)`);
  if (f.unresolved.length)
    lines.push(`  ${f.unresolved.length} compute node(s) with unknown shapes not counted, e.g. ${f.unresolved[0]}`);
  if (s.externalDataFiles.length) lines.push(`external data: ${s.externalDataFiles.join(', ')}`);
  if (s.functions.length) lines.push(`functions: ${s.functions.join(', ')}`);
  return lines.join('\n');
}
