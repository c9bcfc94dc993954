/** The op rules of the specialisation: shapes for any node, exact values for constant ones. */
import { CAST_OPS } from './cast.js';
import { COPY_OPS } from './copy-ops.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { REDUCE_OPS } from './reduce.js';
import { SHAPE_OPS } from './shape-ops.js';
import type { OpRule } from './types.js';

export const OP_RULES: Readonly<Record<string, OpRule>> = {
  ...SHAPE_OPS,
  ...COPY_OPS,
  ...ELEMENTWISE_OPS,
  ...CAST_OPS,
  ...REDUCE_OPS,
};

export type { Kernel, KernelContext, OpRule, ShapeRule, Shapes, Values } from './types.js';
