/**
 * Bindings of a specialisation: symbolic input dims by name, whole input shapes, and values of integer inputs,
 * checked against what the model declares. The result is the facts the propagation starts from.
 */
import { ToolkitError } from '@tamkit/common';
import { dataTypeName } from '../onnx/tensor-data.js';
import type { GraphProto, ValueInfoProto } from '../onnx/types.js';
import type { Fact } from './propagate.js';
import { allocate, INTEGER_TYPES, type Tensor } from './tensor.js';

/** What a specialisation binds (every field optional). */
export interface Bindings {
  /** Symbolic input dims by name (their dim_param), e.g. `{ num_mem_tokens: 7232, num_points: 1 }`. */
  dims?: Readonly<Record<string, number>>;
  /**
   * Whole input shapes by input name, e.g. `{ memory: [7232, 1, 64] }`: for dims without a name, or to state
   * every dim. Fixed dims must match what the model declares.
   */
  shapes?: Readonly<Record<string, readonly number[]>>;
  /**
   * Values of integer inputs (a number for a scalar, a list for a 1-d input), e.g. `{ num_obj_ptr_tokens: 64 }`.
   * The input becomes a constant and leaves the model's inputs.
   */
  values?: Readonly<Record<string, number | bigint | readonly (number | bigint)[]>>;
  /**
   * A binding naming a dim or input the model does not have: `'error'` (default) refuses it; `'ignore'` leaves it
   * out with a note (for one set of bindings applied to all the modules of a tracker).
   */
  unknownBindings?: 'error' | 'ignore';
}

/** How one input was bound, for the report. */
export interface BoundInput {
  name: string;
  /** Its shape after binding (null entries: still unknown). */
  shape: (number | null)[];
  /** Its value, for inputs bound by value (they are no longer inputs). */
  value?: number[];
}

export interface ResolvedBindings {
  facts: Map<string, Fact>;
  inputs: BoundInput[];
  /** Inputs bound by value, as constants. */
  constants: Map<string, Tensor>;
  /** Symbolic dims left unbound: name (or `input[axis]`) -> inputs that have it. */
  unbound: Map<string, string[]>;
  /** `dim:num_mem_tokens` -> `num_mem_tokens=7232`, for messages. */
  describe: (dep: string) => string;
  /** The dim bindings the model has (all of them unless `unknownBindings: 'ignore'` left some out). */
  dims: Record<string, number>;
  /** Bindings left out (with `unknownBindings: 'ignore'`), as sentences. */
  notes: string[];
}

function bad(code: string, message: string, remedy: string): ToolkitError {
  return new ToolkitError(code, `specialize: ${message}`, { remedy });
}

const dimKey = (input: string, axis: number, param: string | undefined) => param || `${input}[${axis}]`;

function declaredDims(v: ValueInfoProto): { value?: number; param?: string }[] | undefined {
  return v.type?.tensorType?.shape?.dim.map((d) => ({
    value: d.dimValue !== undefined && Number(d.dimValue) >= 0 ? Number(d.dimValue) : undefined,
    param: d.dimParam || undefined,
  }));
}

function checkCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw bad('BAD_OPTION', `${what} = ${value} is not a whole number >= 0`, 'Bind dims to sizes such as 7232.');
  return value;
}

function valueTensor(input: ValueInfoProto, raw: number | bigint | readonly (number | bigint)[]): Tensor {
  const name = input.name ?? '';
  const type = input.type?.tensorType?.elemType ?? 0;
  if (!INTEGER_TYPES.has(type))
    throw bad(
      'SPECIALIZE_VALUE_TYPE',
      `input "${name}" is ${dataTypeName(type)}; only integer inputs can be bound to values`,
      'Bind float inputs by shape (dims) instead; their values are data.',
    );
  const list = typeof raw === 'number' || typeof raw === 'bigint' ? [raw] : [...raw];
  const rank = declaredDims(input)?.length ?? (list.length === 1 ? 0 : 1);
  if (rank > 1 || (rank === 0 && list.length !== 1))
    throw bad(
      'SPECIALIZE_VALUE_SHAPE',
      `input "${name}" has rank ${rank}; a value binding gives a scalar or a 1-d list (got ${list.length} values)`,
      'Bind scalar or 1-d integer inputs only.',
    );
  const tensor = allocate(type, rank === 0 ? [] : [list.length]);
  list.forEach((v, i) => {
    if (typeof v === 'number' && !Number.isSafeInteger(v))
      throw bad('BAD_OPTION', `value ${v} for "${name}" is not an integer`, 'Give whole numbers.');
    const data = tensor.data;
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(v);
    else data[i] = Number(v);
    if (BigInt(data[i]!) !== BigInt(v))
      throw bad('BAD_OPTION', `value ${v} for "${name}" does not fit ${dataTypeName(type)}`, 'Give a value in range.');
  });
  return tensor;
}

/** Checks the bindings against the graph's inputs and builds the facts the propagation starts from. */
export function resolveBindings(graph: GraphProto, requested: Bindings): ResolvedBindings {
  const stored = new Set(graph.initializer.map((t) => t.name ?? ''));
  const inputs = graph.input.filter((v) => v.name && !stored.has(v.name));
  const byName = new Map(inputs.map((v) => [v.name!, v]));
  const params = new Set(inputs.flatMap((v) => (declaredDims(v) ?? []).flatMap((d) => (d.param ? [d.param] : []))));
  const { bindings, notes } = knownBindings(requested, params, byName);
  const labels = new Map<string, string>();
  for (const [name, value] of Object.entries(bindings.dims ?? {})) {
    if (!params.has(name))
      throw bad(
        'SPECIALIZE_UNKNOWN_DIM',
        `no input has a dim named "${name}"`,
        params.size
          ? `The model's symbolic dims are: ${[...params].join(', ')}.`
          : 'The model has no named symbolic dims; bind whole input shapes (--shape INPUT=D0,D1,...).',
      );
    labels.set(`dim:${name}`, `${name}=${checkCount(value, name)}`);
  }
  for (const name of [...Object.keys(bindings.shapes ?? {}), ...Object.keys(bindings.values ?? {})])
    if (!byName.has(name))
      throw bad(
        'SPECIALIZE_UNKNOWN_INPUT',
        `the model has no input "${name}"`,
        `Its inputs are: ${[...byName.keys()].join(', ')}.`,
      );
  const constants = new Map<string, Tensor>();
  for (const [name, raw] of Object.entries(bindings.values ?? {})) {
    const tensor = valueTensor(byName.get(name)!, raw);
    constants.set(name, tensor);
    labels.set(`value:${name}`, `${name}=${Array.from(tensor.data as ArrayLike<number | bigint>).join(',')}`);
  }
  const paramValues = paramsFromBindings(inputs, bindings);
  for (const [dep, text] of paramValues.labels) labels.set(dep, text);
  const facts = new Map<string, Fact>();
  const bound: BoundInput[] = [];
  const unbound = new Map<string, string[]>();
  for (const input of inputs) {
    const name = input.name!;
    const declared = declaredDims(input);
    const given = bindings.shapes?.[name];
    const constant = constants.get(name);
    if (constant) {
      facts.set(name, { shape: constant.dims, constant: true, value: constant, deps: new Set([`value:${name}`]) });
      bound.push({
        name,
        shape: [...constant.dims],
        value: Array.from(constant.data as ArrayLike<number | bigint>, Number),
      });
      continue;
    }
    const deps = new Set<string>();
    const dims: { value?: number; param?: string }[] = declared ?? given?.map(() => ({})) ?? [];
    const shape: (number | null)[] = dims.map((d, axis) => {
      if (given) {
        deps.add(`shape:${name}`);
        return given[axis]!;
      }
      if (d.value !== undefined) return d.value;
      const viaParam = d.param ? paramValues.values.get(d.param) : undefined;
      if (viaParam) {
        deps.add(viaParam.dep);
        return viaParam.value;
      }
      const key = dimKey(name, axis, d.param);
      unbound.set(key, [...(unbound.get(key) ?? []), name]);
      return null;
    });
    const known = declared !== undefined || given !== undefined ? shape.every((d) => d !== null) : false;
    facts.set(name, { shape: known ? (shape as number[]) : undefined, constant: false, deps });
    if (deps.size) bound.push({ name, shape });
  }
  const dims = { ...bindings.dims };
  return { facts, inputs: bound, constants, unbound, describe: (dep) => labels.get(dep) ?? dep, notes, dims };
}

/** With `unknownBindings: 'ignore'`, the bindings without what the model lacks, and a note for each left out. */
function knownBindings(
  bindings: Bindings,
  params: ReadonlySet<string>,
  inputs: ReadonlyMap<string, unknown>,
): { bindings: Bindings; notes: string[] } {
  if (bindings.unknownBindings !== 'ignore') return { bindings, notes: [] };
  const ignored: string[] = [];
  const keep = <T>(record: Readonly<Record<string, T>> | undefined, has: (k: string) => boolean, what: string) =>
    Object.fromEntries(
      Object.entries(record ?? {}).filter(([k]) => {
        if (!has(k)) ignored.push(`${what} ${k}`);
        return has(k);
      }),
    );
  const known = {
    dims: keep(bindings.dims, (k) => params.has(k), 'dim'),
    shapes: keep(bindings.shapes, (k) => inputs.has(k), 'input'),
    values: keep(bindings.values, (k) => inputs.has(k), 'input'),
  };
  return { bindings: known, notes: ignored.length ? [`not in this model, ignored: ${ignored.join(', ')}`] : [] };
}

interface ParamValues {
  values: Map<string, { value: number; from: string; dep: string }>;
  labels: Map<string, string>;
}

/**
 * The value of every symbolic dim the bindings decide: from `dims`, and from whole-shape bindings of inputs
 * that have the dim. Checks shape bindings against fixed dims and against each other.
 */
function paramsFromBindings(inputs: readonly ValueInfoProto[], bindings: Bindings): ParamValues {
  const values = new Map<string, { value: number; from: string; dep: string }>();
  const labels = new Map<string, string>();
  for (const [name, value] of Object.entries(bindings.dims ?? {}))
    values.set(name, { value, from: `the dim binding ${name}=${value}`, dep: `dim:${name}` });
  for (const input of inputs) {
    const name = input.name!;
    const given = bindings.shapes?.[name];
    if (!given) continue;
    const declared = declaredDims(input);
    if (declared && given.length !== declared.length)
      throw bad(
        'SPECIALIZE_CONFLICT',
        `input "${name}" has rank ${declared.length} but its shape binding [${given.join(',')}] has ${given.length} dims`,
        'Give one size per dim.',
      );
    labels.set(`shape:${name}`, `${name}[${given.join(',')}]`);
    given.forEach((size, axis) => {
      checkCount(size, `${name}[${axis}]`);
      const d = declared?.[axis];
      if (d?.value !== undefined && d.value !== size)
        throw bad(
          'SPECIALIZE_CONFLICT',
          `input "${name}" dim ${axis} is fixed at ${d.value} in the model; the shape binding gives ${size}`,
          `Bind "${name}" with ${d.value} on dim ${axis}, or use a model exported for that size.`,
        );
      if (!d?.param) return;
      const earlier = values.get(d.param);
      if (earlier && earlier.value !== size)
        throw bad(
          'SPECIALIZE_CONFLICT',
          `input "${name}" dim ${axis} is "${d.param}", bound to ${earlier.value} by ${earlier.from}, but the shape binding of "${name}" gives ${size}`,
          `Give "${d.param}" one value everywhere.`,
        );
      if (!earlier) values.set(d.param, { value: size, from: `the shape binding of "${name}"`, dep: `shape:${name}` });
    });
  }
  return { values, labels };
}
