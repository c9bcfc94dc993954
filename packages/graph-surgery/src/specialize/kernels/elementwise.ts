/**
 * Elementwise ops with numpy broadcasting: integer arithmetic (wrapping as C++ does), FLOAT and DOUBLE
 * arithmetic whose IEEE results are correctly rounded (+ - * / sqrt: JavaScript's double result rounded once to
 * float32 equals the float32 operation), comparisons, logic, Where and exact unary ops.
 *
 * A float result that is NaN is not folded here (x86 and JavaScript give NaNs different bit patterns): the node
 * goes to ONNX Runtime or is kept. FLOAT16/BFLOAT16 arithmetic is never computed here: see `specialize.ts`.
 */
import { getIntNumber } from '../../graph/attributes.js';
import { DataType } from '../../onnx/types.js';
import { broadcastDims, GraphConflict } from '../conflict.js';
import { allocate, bitsOf, numbersOf, SMALL_INTEGER_TYPES, type Tensor, WIDE_INTEGER_TYPES } from '../tensor.js';
import { broadcastTo } from './shape-ops.js';
import { need, type OpRule, sameShape, type Values } from './types.js';

const FLOATS: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.DOUBLE]);
const HALVES: ReadonlySet<number> = new Set([DataType.FLOAT16, DataType.BFLOAT16]);
const SMALL_INTS = SMALL_INTEGER_TYPES;
const BIG_INTS = WIDE_INTEGER_TYPES;

const broadcastShape = (s: readonly (readonly number[] | undefined)[]) =>
  s.some((x) => !x) ? undefined : [broadcastDims(s as number[][])];

/** Inputs broadcast to the output dims. */
function broadcastAll(values: Values): { inputs: Tensor[]; dims: number[] } {
  const inputs = values.map((v, i) => need(v, `input ${i}`));
  const dims = broadcastDims(inputs.map((t) => t.dims));
  return { inputs: inputs.map((t) => broadcastTo(t, dims)), dims };
}

const hasNaN = (data: ArrayLike<number>) => {
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i]!)) return true;
  return false;
};

type NumberOp = (a: number, b: number) => number;
type BigOp = (a: bigint, b: bigint) => bigint;

interface Arithmetic {
  float?: NumberOp;
  /** Integers of up to 32 bits (the result is wrapped by the typed array it is stored in). */
  int?: NumberOp;
  big?: BigOp;
}

function arithmetic(op: Arithmetic): OpRule {
  return {
    shape: broadcastShape,
    kernel: (values) => {
      const { inputs, dims } = broadcastAll(values);
      const [a, b] = inputs as [Tensor, Tensor];
      const type = a.dataType;
      if (b.dataType !== type) throw new GraphConflict('inputs have different element types');
      const out = allocate(type, dims);
      const n = out.data.length;
      if (BIG_INTS.has(type) && op.big) {
        const x = a.data as BigInt64Array;
        const y = b.data as BigInt64Array;
        const o = out.data as BigInt64Array;
        for (let i = 0; i < n; i++) o[i] = op.big(x[i]!, y[i]!);
        return [out];
      }
      const fn = FLOATS.has(type) ? op.float : SMALL_INTS.has(type) ? op.int : undefined;
      if (!fn) return undefined;
      const x = a.data as ArrayLike<number>;
      const y = b.data as ArrayLike<number>;
      const o = out.data as Float32Array;
      for (let i = 0; i < n; i++) o[i] = fn(x[i]!, y[i]!);
      if (FLOATS.has(type) && hasNaN(o)) return undefined;
      return [out];
    },
  };
}

const nonZero = (b: number | bigint) => {
  if (b === 0 || b === 0n) throw new GraphConflict('integer division by zero');
};

/** Integer modulo: with fmod=0 the result takes the divisor's sign (Python's %), with fmod=1 the dividend's. */
function modRule(): OpRule {
  return {
    shape: broadcastShape,
    kernel: (values, ctx) => {
      const fmod = getIntNumber(ctx.node, 'fmod', 0) === 1;
      const intMod: NumberOp = (a, b) => {
        nonZero(b);
        const r = a % b;
        return !fmod && r !== 0 && r < 0 !== b < 0 ? r + b : r;
      };
      const bigMod: BigOp = (a, b) => {
        nonZero(b);
        const r = a % b;
        return !fmod && r !== 0n && r < 0n !== b < 0n ? r + b : r;
      };
      // Float Mod must have fmod=1 (C fmod, which JavaScript's % is exactly).
      return arithmetic({ float: fmod ? (a, b) => a % b : undefined, int: intMod, big: bigMod }).kernel!(values, ctx);
    },
  };
}

type Compare = (a: number | bigint, b: number | bigint) => boolean;

function comparison(test: Compare): OpRule {
  return {
    shape: broadcastShape,
    kernel: (values) => {
      const { inputs, dims } = broadcastAll(values);
      const [a, b] = inputs as [Tensor, Tensor];
      const out = allocate(DataType.BOOL, dims);
      const x = BIG_INTS.has(a.dataType) ? (a.data as BigInt64Array) : numbersOf(a);
      const y = BIG_INTS.has(b.dataType) ? (b.data as BigInt64Array) : numbersOf(b);
      const o = out.data as Uint8Array;
      for (let i = 0; i < o.length; i++) o[i] = test(x[i]!, y[i]!) ? 1 : 0;
      return [out];
    },
  };
}

function logic(fn: (a: boolean, b: boolean) => boolean): OpRule {
  return {
    shape: broadcastShape,
    kernel: (values) => {
      const { inputs, dims } = broadcastAll(values);
      const out = allocate(DataType.BOOL, dims);
      const [x, y] = inputs.map((t) => t.data as Uint8Array) as [Uint8Array, Uint8Array];
      const o = out.data as Uint8Array;
      for (let i = 0; i < o.length; i++) o[i] = fn(x[i] !== 0, y[i] !== 0) ? 1 : 0;
      return [out];
    },
  };
}

interface Unary {
  float?: (a: number) => number;
  int?: (a: number) => number;
  big?: (a: bigint) => bigint;
}

function unary(op: Unary): OpRule {
  return {
    shape: sameShape,
    kernel: (values) => {
      const x = need(values[0], 'input');
      const out = allocate(x.dataType, x.dims);
      if (BIG_INTS.has(x.dataType)) {
        if (!op.big) return undefined;
        const src = x.data as BigInt64Array;
        const o = out.data as BigInt64Array;
        for (let i = 0; i < o.length; i++) o[i] = op.big(src[i]!);
        return [out];
      }
      const fn = FLOATS.has(x.dataType) ? op.float : SMALL_INTS.has(x.dataType) ? op.int : undefined;
      if (!fn) return undefined;
      const src = x.data as ArrayLike<number>;
      const o = out.data as Float32Array;
      for (let i = 0; i < o.length; i++) o[i] = fn(src[i]!);
      if (FLOATS.has(x.dataType) && hasNaN(o)) return undefined;
      return [out];
    },
  };
}

/** Max/Min over any number of inputs. Float zeros of either sign and NaNs are left to ONNX Runtime. */
function extreme(pick: <T extends number | bigint>(a: T, b: T) => T): OpRule {
  return {
    shape: broadcastShape,
    kernel: (values) => {
      const { inputs, dims } = broadcastAll(values);
      const type = inputs[0]!.dataType;
      if (HALVES.has(type)) return undefined;
      if (FLOATS.has(type) && inputs.some((t) => (t.data as Float32Array).some((v) => v === 0 || Number.isNaN(v))))
        return undefined;
      const out = allocate(type, dims);
      const o = out.data as unknown as (number | bigint)[];
      const first = inputs[0]!.data as unknown as (number | bigint)[];
      for (let i = 0; i < o.length; i++) o[i] = first[i]!;
      for (const t of inputs.slice(1)) {
        const d = t.data as unknown as (number | bigint)[];
        for (let i = 0; i < o.length; i++) o[i] = pick(o[i]!, d[i]!);
      }
      return [out];
    },
  };
}

function where(values: Values): Tensor[] {
  const { inputs, dims } = broadcastAll(values);
  const [c, x, y] = inputs as [Tensor, Tensor, Tensor];
  const out = allocate(x.dataType, dims);
  const cond = c.data as Uint8Array;
  const a = bitsOf(x.data);
  const b = bitsOf(y.data);
  const o = bitsOf(out.data);
  for (let i = 0; i < o.length; i++) o[i] = cond[i] ? a[i]! : b[i]!;
  return [out];
}

const truncDiv: NumberOp = (a, b) => {
  nonZero(b);
  return Math.trunc(a / b);
};

/** Round half to even, as std::nearbyint (ONNX Round). */
const roundHalfEven = (a: number) => {
  const r = Math.round(a);
  return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

export const ELEMENTWISE_OPS: Record<string, OpRule> = {
  Add: arithmetic({ float: (a, b) => a + b, int: (a, b) => a + b, big: (a, b) => a + b }),
  Sub: arithmetic({ float: (a, b) => a - b, int: (a, b) => a - b, big: (a, b) => a - b }),
  Mul: arithmetic({ float: (a, b) => a * b, int: Math.imul, big: (a, b) => a * b }),
  Div: arithmetic({
    float: (a, b) => a / b,
    int: truncDiv,
    big: (a, b) => {
      nonZero(b);
      return a / b;
    },
  }),
  Mod: modRule(),
  Equal: comparison((a, b) => a === b || (typeof a !== typeof b && Number(a) === Number(b))),
  Less: comparison((a, b) => a < b),
  Greater: comparison((a, b) => a > b),
  LessOrEqual: comparison((a, b) => a <= b),
  GreaterOrEqual: comparison((a, b) => a >= b),
  And: logic((a, b) => a && b),
  Or: logic((a, b) => a || b),
  Xor: logic((a, b) => a !== b),
  Not: {
    shape: sameShape,
    kernel: (values) => {
      const x = need(values[0], 'input');
      const out = allocate(DataType.BOOL, x.dims);
      const src = x.data as Uint8Array;
      const o = out.data as Uint8Array;
      for (let i = 0; i < o.length; i++) o[i] = src[i] ? 0 : 1;
      return [out];
    },
  },
  Where: { shape: broadcastShape, kernel: (values) => where(values) },
  Neg: unary({ float: (a) => -a, int: (a) => -a, big: (a) => -a }),
  Abs: unary({ float: Math.abs, int: Math.abs, big: (a) => (a < 0n ? -a : a) }),
  Sign: unary({
    float: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0),
    int: Math.sign,
    big: (a) => (a > 0n ? 1n : a < 0n ? -1n : 0n),
  }),
  Floor: unary({ float: Math.floor }),
  Ceil: unary({ float: Math.ceil }),
  Round: unary({ float: roundHalfEven }),
  Sqrt: unary({ float: Math.sqrt }),
  Reciprocal: unary({ float: (a) => 1 / a }),
  Max: extreme((a, b) => (a > b ? a : b)),
  Min: extreme((a, b) => (a < b ? a : b)),
};
