/**
 * A resolved plan as graph edits: a typed graph is how the ONNX Runtime stacks and TensorRT 11 take precision
 * (no precision flags: the graph's types are the precision). An FP16 or BF16 conversion (blocked op types kept
 * FP32 behind Casts, I/O kept FP32 unless the plan says otherwise), then FP32 islands around the pinned nodes.
 */
import { ToolkitError } from '@tamkit/common';
import type { ModelProto } from '../onnx/types.js';
import { convertToBfloat16 } from '../passes/bf16.js';
import { convertToFloat16 } from '../passes/fp16.js';
import { insertFp32Islands } from '../passes/fp32-islands.js';
import type { Precision } from './precision.js';
import type { ResolvedPlan } from './resolve.js';

/** One graph edit, as `--print-command` and plan reports show it. */
export type GraphEdit =
  | { pass: 'convertToFloat16' | 'convertToBfloat16'; options: { keepIoTypes: boolean; blockOps?: string[] } }
  | { pass: 'insertFp32Islands'; options: { nodes: string[] } };

/**
 * The edits that express a resolved plan as a typed graph. Pure: it only describes; `applyPlanEdits` performs
 * them. Nodes pinned only for their op type (`blockOps`) are kept FP32 by the conversion, not by islands.
 */
export function planGraphEdits(plan: ResolvedPlan): GraphEdit[] {
  if (plan.defaultPrecision === 'fp32') return [];
  const low = plan.defaultPrecision;
  const edits: GraphEdit[] = [
    {
      pass: low === 'bf16' ? 'convertToBfloat16' : 'convertToFloat16',
      options: { keepIoTypes: plan.keepIoTypes, ...(plan.blockOps.length ? { blockOps: [...plan.blockOps] } : {}) },
    },
  ];
  const islands = plan.fp32Nodes.filter((n) => (plan.reasons[n] ?? []).some((why) => !why.startsWith('op:')));
  // Output-type requests for FP32 join the islands: the typed graph cannot keep a node's math in FP16/BF16 while
  // widening only its outputs without a cast pass, so the conservative reading (whole node in FP32) is used.
  for (const { node, types } of plan.outputTypes) {
    if (types.every((t) => t === 'fp32')) {
      if (!islands.includes(node) && !plan.reasons[node]?.every((why) => why.startsWith('op:'))) islands.push(node);
    } else if (types.some((t) => t !== low)) {
      throw new ToolkitError(
        'TRT11_OUTPUT_TYPES',
        `Output types ${types.join('+')} of "${node}" cannot be expressed as a typed graph (TensorRT 11, ONNX Runtime)`,
        {
          remedy: `In a typed graph a node is either in the ${low.toUpperCase()} graph or in an FP32 island; pin it to FP32 or drop the entry.`,
        },
      );
    }
  }
  if (islands.length > 0) edits.push({ pass: 'insertFp32Islands', options: { nodes: islands } });
  return edits;
}

/** Performs graph edits on a model (never modified); returns the typed model. */
export function applyPlanEdits(model: ModelProto, edits: readonly GraphEdit[]): ModelProto {
  let typed = model;
  for (const edit of edits) {
    if (edit.pass === 'insertFp32Islands') typed = insertFp32Islands(typed, edit.options).model;
    else if (edit.pass === 'convertToBfloat16') typed = convertToBfloat16(typed, edit.options).model;
    else typed = convertToFloat16(typed, edit.options).model;
  }
  return typed;
}

/** What `createPlanApplier` keeps fixed: everything of a plan but its pins. */
export interface PlanBase {
  defaultPrecision: Exclude<Precision, 'fp32'>;
  blockOps?: readonly string[];
  /** Default true. */
  keepIoTypes?: boolean;
}

/**
 * Applies plans that differ only in their pinned nodes, converting the model once: what a precision search
 * needs (each candidate adds its islands to the same converted graph). `apply(nodes)` equals
 * `applyPlanEdits(model, planGraphEdits(...))` of the plan with those `pinFp32.nodes`.
 */
export function createPlanApplier(model: ModelProto, base: PlanBase): (fp32Nodes: readonly string[]) => ModelProto {
  const options = {
    keepIoTypes: base.keepIoTypes ?? true,
    ...(base.blockOps?.length ? { blockOps: [...base.blockOps] } : {}),
  };
  const converted =
    base.defaultPrecision === 'bf16' ? convertToBfloat16(model, options).model : convertToFloat16(model, options).model;
  return (fp32Nodes) =>
    fp32Nodes.length === 0 ? converted : insertFp32Islands(converted, { nodes: [...fp32Nodes] }).model;
}
