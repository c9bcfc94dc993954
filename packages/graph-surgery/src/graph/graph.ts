/**
 * An editable view of a GraphProto: producers and consumers of tensors, topological order, unique names,
 * node and initializer edits, and cleanup. It edits the GraphProto it wraps; passes clone the model first
 * (`cloneMessage`) so that their input is never changed.
 */
import { ToolkitError } from '@tamkit/common';
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { makeNode, type NodeSpec } from './build.js';

/** Tensor names a subgraph reads from its enclosing scopes (implicit inputs of If/Loop/Scan). */
export function outerReferences(graph: GraphProto): Set<string> {
  const local = new Set<string>([
    ...graph.input.map((v) => v.name ?? ''),
    ...graph.initializer.map((t) => t.name ?? ''),
    ...graph.sparseInitializer.map((s) => s.values?.name ?? ''),
  ]);
  for (const n of graph.node) for (const o of n.output) local.add(o);
  const refs = new Set<string>();
  const use = (name: string) => {
    if (name && !local.has(name)) refs.add(name);
  };
  for (const n of graph.node) {
    n.input.forEach(use);
    for (const sub of subgraphsOf(n)) outerReferences(sub).forEach(use);
  }
  for (const o of graph.output) use(o.name ?? '');
  return refs;
}

export function subgraphsOf(node: NodeProto): GraphProto[] {
  const out: GraphProto[] = [];
  for (const a of node.attribute) {
    if (a.g) out.push(a.g);
    out.push(...a.graphs);
  }
  return out;
}

/** Every tensor a node reads: its inputs plus what its subgraphs read from outside. */
export function nodeReads(node: NodeProto): string[] {
  const reads = node.input.filter((i) => i !== '');
  for (const sub of subgraphsOf(node)) reads.push(...outerReferences(sub));
  return reads;
}

export class Graph {
  private producers = new Map<string, NodeProto>();
  private consumers = new Map<string, NodeProto[]>();
  private names = new Set<string>();
  private counter = 0;
  private dirty = true;

  /**
   * `reservedNames`: names `uniqueName` must not return though this graph does not use them (for a subgraph,
   * the names of its enclosing graphs, so that a new name never shadows an outer one).
   */
  constructor(
    readonly proto: GraphProto,
    private readonly reservedNames: Iterable<string> = [],
  ) {}

  get nodes(): NodeProto[] {
    return this.proto.node;
  }

  /** Call after editing `proto` directly (the Graph methods keep the indexes up to date themselves). */
  invalidate(): void {
    this.dirty = true;
  }

  private index(): void {
    if (!this.dirty) return;
    this.producers.clear();
    this.consumers.clear();
    this.names.clear();
    const g = this.proto;
    for (const v of [...g.input, ...g.output, ...g.valueInfo]) if (v.name) this.names.add(v.name);
    for (const t of g.initializer) if (t.name) this.names.add(t.name);
    for (const name of this.reservedNames) this.names.add(name);
    for (const n of g.node) {
      if (n.name) this.names.add(n.name);
      // Names inside subgraphs are taken too: a new name here must not be shadowed by a body's own.
      for (const sub of subgraphsOf(n)) for (const name of namesIn(sub)) this.names.add(name);
      for (const o of n.output) {
        if (!o) continue;
        this.producers.set(o, n);
        this.names.add(o);
      }
      for (const i of nodeReads(n)) {
        const list = this.consumers.get(i);
        if (list) {
          if (list[list.length - 1] !== n) list.push(n);
        } else this.consumers.set(i, [n]);
        this.names.add(i);
      }
    }
    this.dirty = false;
  }

  producerOf(tensor: string): NodeProto | undefined {
    this.index();
    return this.producers.get(tensor);
  }

  consumersOf(tensor: string): NodeProto[] {
    this.index();
    return this.consumers.get(tensor) ?? [];
  }

  initializer(name: string): TensorProto | undefined {
    return this.proto.initializer.find((t) => t.name === name);
  }

  isGraphOutput(tensor: string): boolean {
    return this.proto.output.some((o) => o.name === tensor);
  }

  isGraphInput(tensor: string): boolean {
    return this.proto.input.some((o) => o.name === tensor);
  }

  valueInfo(tensor: string): ValueInfoProto | undefined {
    const g = this.proto;
    return [...g.input, ...g.output, ...g.valueInfo].find((v) => v.name === tensor);
  }

  node(name: string): NodeProto | undefined {
    return this.proto.node.find((n) => n.name === name);
  }

  /** A tensor or node name not yet used in this graph, built from `base`. */
  uniqueName(base: string): string {
    this.index();
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /**
   * Nodes in an order where every node comes after the producers of what it reads (Kahn's algorithm, stable:
   * ties keep file order). Throws on a cycle.
   */
  topologicalOrder(): NodeProto[] {
    const nodes = this.proto.node;
    const producedBy = new Map<string, number>();
    nodes.forEach((n, i) => {
      for (const o of n.output) if (o) producedBy.set(o, i);
    });
    const pending = new Array<number>(nodes.length).fill(0);
    const dependents: number[][] = nodes.map(() => []);
    nodes.forEach((n, i) => {
      const deps = new Set<number>();
      for (const t of nodeReads(n)) {
        const p = producedBy.get(t);
        if (p !== undefined && p !== i) deps.add(p);
      }
      pending[i] = deps.size;
      for (const d of deps) dependents[d]!.push(i);
    });
    // A binary heap would be O(n log n); a sorted ready-list is plenty for graphs of a few thousand nodes.
    const ready = nodes.map((_, i) => i).filter((i) => pending[i] === 0);
    const order: NodeProto[] = [];
    while (ready.length) {
      const i = ready.shift()!;
      order.push(nodes[i]!);
      for (const j of dependents[i]!) {
        if (--pending[j]! === 0) {
          let k = ready.length;
          while (k > 0 && ready[k - 1]! > j) k--;
          ready.splice(k, 0, j);
        }
      }
    }
    if (order.length !== nodes.length) {
      const stuck = nodes.filter((n) => !order.includes(n)).slice(0, 5);
      throw new ToolkitError(
        'GRAPH_CYCLE',
        `graph "${this.proto.name ?? ''}" has a cycle through ${stuck.map((n) => n.name || n.opType).join(', ')}`,
        {
          remedy: 'ONNX graphs must be acyclic; check the last edit.',
        },
      );
    }
    return order;
  }

  /** Puts the graph's node list in topological order (ONNX requires it). */
  sortTopologically(): void {
    this.proto.node = this.topologicalOrder();
    this.dirty = true;
  }

  /**
   * Adds a node. Missing output names are generated; the node name is made unique. The node is inserted
   * right after the last producer of its inputs (or at `index`), keeping the list topologically sorted.
   */
  addNode(
    spec: Omit<NodeSpec, 'outputs'> & { outputs?: readonly string[]; outputCount?: number },
    index?: number,
  ): NodeProto {
    const base = spec.name ?? `/${spec.opType}`;
    const name = this.uniqueName(base);
    const outputs =
      spec.outputs ?? Array.from({ length: spec.outputCount ?? 1 }, (_, k) => this.uniqueName(`${name}_output_${k}`));
    const node = makeNode({ ...spec, name, outputs });
    let at = index;
    if (at === undefined) {
      at = 0;
      this.proto.node.forEach((n, i) => {
        if (n.output.some((o) => node.input.includes(o))) at = i + 1;
      });
    }
    this.proto.node.splice(at, 0, node);
    this.dirty = true;
    return node;
  }

  removeNode(node: NodeProto): void {
    const i = this.proto.node.indexOf(node);
    if (i < 0)
      throw new ToolkitError('GRAPH_EDIT', `node "${node.name ?? ''}" is not in this graph`, {
        remedy: 'Look the node up in the same graph.',
      });
    this.proto.node.splice(i, 1);
    this.dirty = true;
  }

  /** Makes every reader of `from` (nodes, subgraphs, graph outputs unless `keepOutputs`) read `to` instead. */
  replaceAllUses(from: string, to: string, options: { except?: NodeProto[]; keepOutputs?: boolean } = {}): void {
    const except = new Set(options.except ?? []);
    for (const n of this.proto.node) {
      if (except.has(n)) continue;
      n.input = n.input.map((i) => (i === from ? to : i));
      renameOuterReads(n, from, to);
    }
    if (!options.keepOutputs) for (const o of this.proto.output) if (o.name === from) o.name = to;
    this.dirty = true;
  }

  addInitializer(tensor: TensorProto): TensorProto {
    const name = this.uniqueName(tensor.name ?? '/initializer');
    const t = { ...tensor, name };
    this.proto.initializer.push(t);
    this.dirty = true;
    return t;
  }

  /**
   * Removes nodes whose outputs nothing reads (transitively) and initializers nothing reads. Graph inputs and
   * outputs are kept. Returns what was removed.
   */
  cleanup(): { nodes: number; initializers: number } {
    const g = this.proto;
    const live = new Set<string>(g.output.map((o) => o.name ?? ''));
    const keep = new Set<NodeProto>();
    const order = this.topologicalOrder();
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i]!;
      if (n.output.some((o) => live.has(o))) {
        keep.add(n);
        for (const r of nodeReads(n)) live.add(r);
      }
    }
    const before = { nodes: g.node.length, initializers: g.initializer.length };
    g.node = g.node.filter((n) => keep.has(n));
    g.initializer = g.initializer.filter((t) => live.has(t.name ?? ''));
    const produced = new Set(g.node.flatMap((n) => n.output));
    g.valueInfo = g.valueInfo.filter((v) => produced.has(v.name ?? ''));
    this.dirty = true;
    return { nodes: before.nodes - g.node.length, initializers: before.initializers - g.initializer.length };
  }
}

/**
 * Makes the subgraphs of `node` (nested ones included) read `to` wherever they read the enclosing-scope tensor
 * `from`: node inputs and subgraph outputs that pass it through. A subgraph that defines `from` itself is left
 * alone.
 */
export function renameOuterReads(node: NodeProto, from: string, to: string): void {
  for (const sub of subgraphsOf(node)) {
    if (defines(sub, from)) continue;
    for (const n of sub.node) {
      n.input = n.input.map((i) => (i === from ? to : i));
      renameOuterReads(n, from, to);
    }
    for (const o of sub.output) if (o.name === from) o.name = to;
  }
}

/** Every tensor and node name a graph and its nested subgraphs use. */
export function namesIn(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) if (v.name) names.add(v.name);
  for (const t of graph.initializer) if (t.name) names.add(t.name);
  for (const n of graph.node) {
    if (n.name) names.add(n.name);
    for (const name of [...n.input, ...n.output]) if (name) names.add(name);
    for (const sub of subgraphsOf(n)) for (const name of namesIn(sub)) names.add(name);
  }
  return names;
}

function defines(graph: GraphProto, name: string): boolean {
  return (
    graph.input.some((v) => v.name === name) ||
    graph.initializer.some((t) => t.name === name) ||
    graph.node.some((n) => n.output.includes(name))
  );
}
