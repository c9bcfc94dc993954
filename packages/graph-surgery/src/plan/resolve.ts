import { InternalError, ToolkitError } from '@tamkit/common';
import type { GraphView } from './graph-view.js';
import type { AutoPinKind, PrecisionPlan } from './plan.js';
import type { Precision } from './precision.js';

/** A plan applied to one graph: concrete node names, in graph order. */
export interface ResolvedPlan {
  defaultPrecision: Precision;
  /** Nodes pinned to FP32, in graph order, without duplicates. */
  fp32Nodes: string[];
  /**
   * Why each pinned node is pinned: `node`, `pattern:<p>`, `auto:<kind>` or `auto:<kind> (<the finder's reason>)`,
   * `op:<type>` (blockOps).
   */
  reasons: Record<string, string[]>;
  /** Output types per node (explicit ones, plus FP32 for every pinned node), in graph order. */
  outputTypes: { node: string; types: Precision[] }[];
  keepIoTypes: boolean;
  /** Op types kept FP32 everywhere (the plan's `blockOps`); their nodes are among `fp32Nodes` as `op:<type>`. */
  blockOps: string[];
  /** Patterns and auto families that matched no node (a plan shared by several modules may have some). */
  unmatched: string[];
}

/** A node an auto-pin family found: its name, or its name and why the family pins it. */
export type AutoPin = string | { node: string; reason: string };

/** Finds the nodes of one auto-pin family; supplied by the graph-surgery glue. */
export type AutoPinFinder = (kind: AutoPinKind) => readonly AutoPin[];

/** Compiles a plan glob (`*`, `?`) or `re:` pattern to a RegExp matching whole node names. */
export function compileNodePattern(pattern: string): RegExp {
  if (pattern.startsWith('re:')) return new RegExp(pattern.slice(3));
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

function unresolved(message: string, remedy: string): ToolkitError {
  return new ToolkitError('PLAN_UNRESOLVED', message, { remedy });
}

/**
 * Applies a plan to a graph. Exact node names must exist; patterns and auto families may miss (one plan can serve
 * several modules; misses are listed in `unmatched`), but a plan that asks for pins and pins nothing is refused:
 * silently pinning nothing is the failure this package exists to prevent.
 */
export function resolvePlan(plan: PrecisionPlan, graph: GraphView, autoPins?: AutoPinFinder): ResolvedPlan {
  const order = new Map<string, number>();
  const outputCount = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    if (n.name.length > 0) {
      order.set(n.name, i);
      outputCount.set(n.name, n.outputs.length);
    }
  });
  const reasons: Record<string, string[]> = {};
  const pin = (node: string, reason: string) => {
    if (!reasons[node]) reasons[node] = [];
    if (!reasons[node].includes(reason)) reasons[node].push(reason);
  };

  // An FP32 plan has nothing to pin; its auto finders are not even consulted.
  const pins: NonNullable<PrecisionPlan['pinFp32']> = plan.defaultPrecision === 'fp32' ? {} : (plan.pinFp32 ?? {});
  const missing = (pins.nodes ?? []).filter((n) => !order.has(n));
  if (missing.length > 0) {
    throw unresolved(
      `Precision plan names ${missing.length} node(s) not in the model: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
      'Node names must match the ONNX node names exactly (check with `graph-surgery` or Netron), or use a pattern.',
    );
  }
  for (const n of pins.nodes ?? []) pin(n, 'node');

  const unmatched: string[] = [];
  for (const pattern of pins.patterns ?? []) {
    const re = compileNodePattern(pattern);
    const hits = [...order.keys()].filter((n) => re.test(n));
    if (hits.length === 0) unmatched.push(`pattern:${pattern}`);
    for (const n of hits) pin(n, `pattern:${pattern}`);
  }

  for (const kind of pins.auto ?? []) {
    if (!autoPins) {
      throw new ToolkitError(
        'AUTO_PIN_UNAVAILABLE',
        `The plan asks for auto pinning of "${kind}" nodes, but no finder is available`,
        {
          remedy:
            "Auto pinning needs graph-surgery's pattern finders; list the nodes with pinFp32.nodes or patterns instead.",
        },
      );
    }
    const found = autoPins(kind);
    if (found.length === 0) unmatched.push(`auto:${kind}`);
    for (const entry of found) {
      const n = typeof entry === 'string' ? entry : entry.node;
      if (!order.has(n))
        throw new InternalError(`auto-pin finder "${kind}" returned "${n}", which is not a node of the model`);
      pin(n, typeof entry === 'string' ? `auto:${kind}` : `auto:${kind} (${entry.reason})`);
    }
  }

  // Blocked op types: FP32 in every plan that is not FP32 already; a type the model lacks is no error (one plan
  // may serve several modules, and a stack's blocked kernels need not occur in each).
  const blockOps = plan.defaultPrecision === 'fp32' ? [] : [...(plan.blockOps ?? [])];
  const blocked = new Set(blockOps);
  for (const n of graph.nodes) if (n.name.length > 0 && blocked.has(n.opType)) pin(n.name, `op:${n.opType}`);

  const requested = (pins.nodes?.length ?? 0) + (pins.patterns?.length ?? 0) + (pins.auto?.length ?? 0);
  const pinnedByRequest = Object.values(reasons).some((r) => r.some((why) => !why.startsWith('op:')));
  if (requested > 0 && !pinnedByRequest) {
    throw unresolved(
      `Precision plan pins nothing in this model: ${unmatched.join(', ')} matched no node`,
      'Globs match whole node names (`*` any run, `?` one character; write `re:<regex>` for a regular expression). A plan that silently pins nothing is refused on purpose.',
    );
  }

  const fp32Nodes = Object.keys(reasons).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const explicit = plan.outputTypes ?? {};
  for (const [node, types] of Object.entries(explicit)) {
    const count = outputCount.get(node);
    if (count === undefined) {
      throw unresolved(
        `Precision plan sets output types of "${node}", which is not in the model`,
        'Use exact ONNX node names in outputTypes.',
      );
    }
    if (types.length !== count) {
      throw unresolved(
        `Precision plan gives ${types.length} output type(s) for "${node}", which has ${count} output(s)`,
        'List one type per node output, in output order.',
      );
    }
  }
  const typed = new Set([...fp32Nodes, ...Object.keys(explicit)]);
  const outputTypes = [...typed]
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
    .map((node) => ({
      node,
      types: explicit[node] ?? Array.from({ length: outputCount.get(node) ?? 1 }, () => 'fp32' as Precision),
    }));
  return {
    defaultPrecision: plan.defaultPrecision,
    fp32Nodes,
    reasons,
    outputTypes,
    blockOps,
    keepIoTypes: plan.keepIoTypes ?? true,
    unmatched,
  };
}
