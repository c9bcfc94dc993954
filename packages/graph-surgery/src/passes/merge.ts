/**
 * Merge two models into one: `second` reads some of `first`'s outputs in the graph instead of from its own inputs.
 * A tracking loop that runs memory_attention and then mask_decoder pays, per frame, for two runs and for the
 * conditioned features going to the host and back (on ort-cuda about 0.4 ms per MB each way, `bench/run-cost.mjs`);
 * merged, the features stay on the device and one run does both. The merged graph computes what the two did in
 * turn: first's nodes, then second's, nothing else added.
 *
 * Names: every tensor and node name of `second` (its subgraphs included) that `first` also uses gets a prefix,
 * the same renaming everywhere, so the merged graph means what the two meant. Graph inputs and outputs keep their
 * names unless they collide (the report lists each renamed one). Opsets must agree domain by domain: an op means
 * what its opset says, and a merged graph has one opset per domain.
 */
import { ToolkitError } from '@tamkit/common';
import { cloneMessage } from '../graph/clone.js';
import { namesIn, subgraphsOf } from '../graph/graph.js';
import type { FunctionProto, GraphProto, ModelProto, ValueInfoProto } from '../onnx/types.js';
import { signatureOfValue } from './bake/common.js';
import { requireGraph } from './support/model-checks.js';

export interface MergeOptions {
  /** Inputs of `second` that `first`'s outputs feed: { secondInput: firstOutput }. At least one. */
  connect: Record<string, string>;
  /** Outputs of `first` that stay graph outputs although `second` reads them. Default none. */
  keepOutputs?: readonly string[];
  /** Prefix for `second`'s names that `first` also uses. Default `<second graph name>/` (or `second/`). */
  prefix?: string;
}

export interface MergeReport {
  /** The connections made, as { input of second, output of first }. */
  connected: { input: string; output: string }[];
  /** Graph inputs and outputs of `second` that got the prefix, old name -> new name. */
  renamedIo: Record<string, string>;
  /** How many names of `second` (tensors and nodes, subgraphs included) got the prefix. */
  renamed: number;
  inputs: string[];
  outputs: string[];
}

function bad(message: string, remedy: string): ToolkitError {
  return new ToolkitError('MERGE_MISMATCH', `merge: ${message}`, { remedy });
}

const MERGED_KEY = 'tamkit.merged';

/** Returns a new model: `first`, then `second` reading `first`'s outputs per `options.connect`. Inputs unchanged. */
export function mergeModels(
  first: ModelProto,
  second: ModelProto,
  options: MergeOptions,
): { model: ModelProto; report: MergeReport } {
  const model = cloneMessage(first);
  const a = requireGraph(model, 'merge');
  const b = requireGraph(cloneMessage(second), 'merge');
  const connections = Object.entries(options.connect);
  if (connections.length === 0) {
    throw bad(
      'nothing to connect',
      'Name at least one input of the second model and the output of the first feeding it.',
    );
  }
  model.opsetImport = mergedOpsets(first, second);
  model.functions = mergedFunctions(first.functions, second.functions);
  if (BigInt(second.irVersion ?? 0) > BigInt(model.irVersion ?? 0)) model.irVersion = second.irVersion;

  const firstOutputs = new Map(a.output.map((v) => [v.name ?? '', v]));
  const secondInputs = new Map(b.input.map((v) => [v.name ?? '', v]));
  const initializers = new Set(b.initializer.map((t) => t.name ?? ''));
  for (const [input, output] of connections) {
    const to = secondInputs.get(input);
    if (to === undefined || initializers.has(input)) {
      throw bad(
        `the second model has no graph input "${input}" (inputs: ${[...secondInputs.keys()].filter((n) => !initializers.has(n)).join(', ')})`,
        'Connect one of the listed inputs.',
      );
    }
    const from = firstOutputs.get(output);
    if (from === undefined) {
      throw bad(
        `the first model has no graph output "${output}" (outputs: ${[...firstOutputs.keys()].join(', ')})`,
        'Connect one of the listed outputs.',
      );
    }
    checkCompatible(from, to);
    if (b.output.some((o) => o.name === input)) {
      throw bad(`"${input}" is both an input and an output of the second model`, 'Connect another input.');
    }
  }

  // One renaming for every name of the second model: connected inputs become the first's outputs; names the first
  // also uses get the prefix (made unique against both models).
  const taken = namesIn(a);
  const own = namesIn(b);
  const prefix = options.prefix ?? `${b.name || 'second'}/`;
  const rename = new Map<string, string>(connections);
  for (const name of own) {
    if (rename.has(name) || !taken.has(name)) continue;
    let candidate = `${prefix}${name}`;
    for (let i = 1; taken.has(candidate) || own.has(candidate); i += 1) candidate = `${prefix}${name}_${i}`;
    rename.set(name, candidate);
  }
  const connectedInputs = new Set(connections.map(([input]) => input));
  const renamedIo: Record<string, string> = {};
  for (const v of [...b.input, ...b.output]) {
    const name = v.name ?? '';
    if (!connectedInputs.has(name) && rename.has(name)) renamedIo[name] = rename.get(name)!;
  }
  renameGraph(b, (n) => rename.get(n) ?? n);

  const connectedOutputs = new Set(connections.map(([, output]) => output));
  const keep = new Set(options.keepOutputs ?? []);
  for (const name of keep) {
    if (!firstOutputs.has(name))
      throw bad(`keepOutputs names "${name}", not an output of the first model`, 'Name an output of the first model.');
  }
  a.output = [...a.output.filter((o) => !connectedOutputs.has(o.name ?? '') || keep.has(o.name ?? '')), ...b.output];
  a.input = [...a.input, ...b.input.filter((v) => !connections.some(([, output]) => output === v.name))];
  a.initializer.push(...b.initializer);
  a.sparseInitializer.push(...b.sparseInitializer);
  a.valueInfo.push(...b.valueInfo.filter((v) => !connectedOutputs.has(v.name ?? '')));
  a.node.push(...b.node);
  a.quantizationAnnotation.push(...b.quantizationAnnotation);
  a.name = `${a.name || 'first'}+${b.name || 'second'}`;
  recordMerge(model, a.name);
  return {
    model,
    report: {
      connected: connections.map(([input, output]) => ({ input, output })),
      renamedIo,
      renamed: rename.size - connections.length,
      inputs: a.input.filter((v) => !a.initializer.some((t) => t.name === v.name)).map((v) => v.name ?? ''),
      outputs: a.output.map((v) => v.name ?? ''),
    },
  };
}

/** The output's element type must be the input's, and fixed dims must agree where both are fixed. */
function checkCompatible(output: ValueInfoProto, input: ValueInfoProto): void {
  const o = signatureOfValue(output);
  const i = signatureOfValue(input);
  const show = (s: typeof o) => `[${(s.declared ?? ['?']).map((d) => d ?? '?').join(', ')}]`;
  const what = `output "${o.name}" ${show(o)} -> input "${i.name}" ${show(i)}`;
  if (o.elemType !== i.elemType) {
    throw bad(
      `${what}: element types differ (${o.elemType} vs ${i.elemType})`,
      'Connect tensors of one type (convert one model first).',
    );
  }
  if (o.dims && i.dims) {
    const clash =
      o.dims.length !== i.dims.length ||
      o.dims.some((d, axis) => d !== null && i.dims![axis] !== null && d !== i.dims![axis]);
    if (clash) {
      throw bad(
        `${what}: shapes differ`,
        'Connect tensors of one layout (e.g. bake the feature layout into memory_attention first: graph-surgery bake).',
      );
    }
  }
}

/** One opset per domain: the two models must agree on every domain both import. */
function mergedOpsets(first: ModelProto, second: ModelProto): ModelProto['opsetImport'] {
  const domain = (d: string | undefined) => (d === 'ai.onnx' ? '' : (d ?? ''));
  const merged = new Map(first.opsetImport.map((o) => [domain(o.domain), o]));
  for (const o of second.opsetImport) {
    const mine = merged.get(domain(o.domain));
    if (mine === undefined) merged.set(domain(o.domain), o);
    else if (BigInt(mine.version ?? 0) !== BigInt(o.version ?? 0)) {
      throw bad(
        `opset of domain "${domain(o.domain) || 'ai.onnx'}" differs: ${mine.version} in the first model, ${o.version} in the second`,
        'Export both modules at one opset.',
      );
    }
  }
  return [...merged.values()].map((o) => cloneMessage(o));
}

/** Local functions of both; one defined in both must be the same function. */
function mergedFunctions(first: FunctionProto[], second: FunctionProto[]): FunctionProto[] {
  const key = (f: FunctionProto) => `${f.domain ?? ''}::${f.name ?? ''}::${f.overload ?? ''}`;
  const merged = new Map(first.map((f) => [key(f), cloneMessage(f)]));
  for (const f of second) {
    const mine = merged.get(key(f));
    if (mine === undefined) merged.set(key(f), cloneMessage(f));
    else if (JSON.stringify(mine, bigintSafe) !== JSON.stringify(f, bigintSafe)) {
      throw bad(`both models define function ${key(f)}, differently`, 'Rename the function in one model.');
    }
  }
  return [...merged.values()];
}

const bigintSafe = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** Applies `to` to every tensor and node name of a graph and its subgraphs. */
function renameGraph(graph: GraphProto, to: (name: string) => string): void {
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) if (v.name) v.name = to(v.name);
  for (const t of graph.initializer) if (t.name) t.name = to(t.name);
  for (const s of graph.sparseInitializer) {
    if (s.values?.name) s.values.name = to(s.values.name);
    if (s.indices?.name) s.indices.name = to(s.indices.name);
  }
  for (const q of graph.quantizationAnnotation) {
    if (q.tensorName) q.tensorName = to(q.tensorName);
    for (const entry of q.quantParameterTensorNames) if (entry.value) entry.value = to(entry.value);
  }
  for (const n of graph.node) {
    if (n.name) n.name = to(n.name);
    n.input = n.input.map((i) => (i === '' ? i : to(i)));
    n.output = n.output.map((o) => (o === '' ? o : to(o)));
    for (const sub of subgraphsOf(n)) renameGraph(sub, to);
  }
}

function recordMerge(model: ModelProto, name: string): void {
  const entry = model.metadataProps.find((p) => p.key === MERGED_KEY);
  if (entry) entry.value = name;
  else model.metadataProps.push({ key: MERGED_KEY, value: name });
}
