/** The report of `specializeModel`: what was bound, nodes per op before and after, what stayed and why. */
import { signatureOf } from '../inspect/inspect.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/types.js';
import type { BoundInput } from './bind.js';
import type { KeptNode, Propagation } from './propagate.js';

export interface SpecializeReport {
  /** The dim bindings, and every input whose shape or value they set. */
  bound: { dims: Record<string, number>; inputs: BoundInput[] };
  /** Inputs bound by value: now constants, no longer inputs of the model. */
  removedInputs: string[];
  nodes: { before: number; after: number };
  /** Node count per op type, before and after (ops sorted by count before). */
  ops: Record<string, { before: number; after: number }>;
  /**
   * How the folded nodes were computed: `kernel` (exact TypeScript kernels), `shape` (Shape/Size of a tensor of
   * known shape), `onnxruntime` (ONNX Runtime's CPU provider), `constant` (Constant nodes, now initializers).
   */
  folded: { kernel: number; shape: number; onnxruntime: number; constant: number };
  /** Nodes whose inputs are all constant but which stayed, with the reason. */
  kept: KeptNode[];
  /** The outputs as now declared. */
  outputs: { name: string; type: string; shape: (number | string | null)[] | null }[];
  initializers: { before: number; after: number; bytesBefore: number; bytesAfter: number };
  notes: string[];
}

const bytes = (ts: readonly TensorProto[]) => ts.reduce((s, t) => s + (t.rawData?.byteLength ?? 0), 0);

function histogram(nodes: readonly NodeProto[]): Map<string, number> {
  const h = new Map<string, number>();
  for (const n of nodes) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : (n.opType ?? '');
    h.set(key, (h.get(key) ?? 0) + 1);
  }
  return h;
}

export function specializeReport(args: {
  before: { nodes: NodeProto[]; initializers: TensorProto[] };
  graph: GraphProto;
  prop: Propagation;
  bound: BoundInput[];
  dims: Record<string, number>;
  notes: string[];
}): SpecializeReport {
  const { before, graph, prop } = args;
  const h0 = histogram(before.nodes);
  const h1 = histogram(graph.node);
  const ops: SpecializeReport['ops'] = {};
  for (const [op, n] of [...h0].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    ops[op] = { before: n, after: h1.get(op) ?? 0 };
  for (const [op, n] of h1) if (!h0.has(op)) ops[op] = { before: 0, after: n };
  const remaining = new Set(graph.node);
  const folded = { kernel: 0, shape: 0, onnxruntime: 0, constant: 0 };
  for (const [node, how] of prop.computedBy) {
    if (remaining.has(node)) continue;
    folded[how === 'resolved' ? 'onnxruntime' : how]++;
  }
  const removedNames = new Set(args.bound.filter((b) => b.value).map((b) => b.name));
  return {
    bound: { dims: { ...args.dims }, inputs: args.bound },
    removedInputs: [...removedNames],
    nodes: { before: before.nodes.length, after: graph.node.length },
    ops,
    folded,
    kept: prop.kept.filter((k) => graph.node.some((n) => n.name === k.node)),
    outputs: graph.output.map((o) => {
      const s = signatureOf(o);
      return { name: s.name, type: s.type, shape: s.shape };
    }),
    initializers: {
      before: before.initializers.length,
      after: graph.initializer.length,
      bytesBefore: bytes(before.initializers),
      bytesAfter: bytes(graph.initializer),
    },
    notes: args.notes,
  };
}

/** The report as text: bindings, node counts, a per-op table of what changed, kept nodes (the CLI prints `notes`). */
export function formatSpecializeReport(r: SpecializeReport): string {
  const lines: string[] = [];
  const dims = Object.entries(r.bound.dims).map(([k, v]) => `${k}=${v}`);
  const values = r.bound.inputs.filter((i) => i.value).map((i) => `${i.name}=${i.value!.join(',')}`);
  lines.push(`bound: ${[...dims, ...values].join(', ') || '(nothing)'}`);
  for (const i of r.bound.inputs.filter((x) => !x.value))
    lines.push(`  ${i.name}: [${i.shape.map((d) => d ?? '?').join(',')}]`);
  const f = r.folded;
  lines.push(
    `nodes: ${r.nodes.before} -> ${r.nodes.after} (folded: ${f.kernel} by exact kernels, ${f.shape} Shape/Size, ` +
      `${f.onnxruntime} by ONNX Runtime, ${f.constant} Constants)`,
  );
  const changed = Object.entries(r.ops).filter(([, c]) => c.before !== c.after);
  if (changed.length) {
    const width = Math.max(...changed.map(([op]) => op.length));
    lines.push('ops changed:');
    for (const [op, c] of changed) lines.push(`  ${op.padEnd(width)}  ${String(c.before).padStart(5)} -> ${c.after}`);
  }
  if (r.kept.length) {
    lines.push(`kept with constant inputs: ${r.kept.length}`);
    const reasons = new Map<string, number>();
    for (const k of r.kept) reasons.set(k.reason, (reasons.get(k.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) lines.push(`  ${n} x ${reason}`);
  }
  lines.push('outputs:');
  for (const o of r.outputs) lines.push(`  ${o.name}: ${o.type}[${o.shape?.map((d) => d ?? '?').join(',') ?? '?'}]`);
  return lines.join('\n');
}
