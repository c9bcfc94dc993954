/**
 * How a candidate ("these nodes stay FP32, the rest runs FP16") becomes something a stack can run:
 * - `emulate`: the FP32 graph with FP16 storage emulated everywhere except the FP32 nodes (graph-surgery
 *   `emulateFloat16`). For stacks that compute FP16 in FP32 (ONNX Runtime CPU), where native FP16 would hide the
 *   failures GPUs have. `fusedAttention` also models fused attention kernels that skip the softmax max subtraction.
 * - `native`: the precision plan of the candidate applied to the graph (graph-surgery's `createPlanApplier`: FP16
 *   with FP32 islands around the FP32 nodes and blocked op types kept FP32): exactly what `applyPrecisionPlan`
 *   makes of the plan the bisection writes, and what ONNX Runtime GPU providers and TensorRT 11 run.
 * The TensorRT 10 path (layer precisions in a plan, no graph edit) lives in `trt-plan-evaluator.ts`.
 */
import { createPlanApplier, emulateFloat16, type ModelProto } from '@tamkit/graph-surgery';

/** The graph-level ways to make a candidate. */
export const FP16_MODES = ['emulate', 'native'] as const;
export type Fp16Mode = (typeof FP16_MODES)[number];

/** Options of `createVariantBuilder`. */
export interface VariantOptions {
  mode: Fp16Mode;
  /**
   * `emulate` only: model fused attention kernels (softmax as Exp -> ReduceSum -> Div without the max
   * subtraction, FP16 after Exp), as TensorRT's fused MHA computes. Default true: the failures to predict are
   * the GPU engines'; set false for stacks whose softmax is stabilised.
   */
  fusedAttention?: boolean;
  /**
   * `native` only: op types kept in FP32 in every candidate, for kernels a stack lacks or gets wrong in FP16
   * (onnxruntime-node 1.30's WebGPU provider fails on an FP16 cubic Resize). Not searched; recorded in the plan
   * (`blockOps`), so the plan reproduces the candidate.
   */
  blockOps?: readonly string[];
}

/** Builds the model where exactly `fp32Nodes` compute in FP32 and every other float op in FP16. */
export type VariantBuilder = (fp32Nodes: readonly string[]) => ModelProto;

/** A variant builder for an FP32 model (never modified). */
export function createVariantBuilder(model: ModelProto, options: VariantOptions): VariantBuilder {
  if (options.mode === 'emulate') {
    const fusedAttention = options.fusedAttention ?? true;
    return (fp32Nodes) => emulateFloat16(model, { except: fp32Nodes, fusedAttention }).model;
  }
  // Converted once; each candidate only adds its islands. I/O stay FP32 so the same feeds serve every variant.
  return createPlanApplier(model, { defaultPrecision: 'fp16', blockOps: options.blockOps ?? [], keepIoTypes: true });
}
