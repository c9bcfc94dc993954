import type { Precision } from './precision.js';

/**
 * The pattern families `auto` pinning can ask graph-surgery's finders for: `attention` (every node of each
 * attention: scaling, scores, softmax, values MatMul), `normalization` (whole norms, affine part included), and
 * `mixed`, graph-surgery's preset of what a real FP16 stack needs (attention scores and softmax, the values
 * MatMul where the reduction over keys is long, norm statistics; see its `mixedPresetNodes`).
 */
export type AutoPinKind = 'attention' | 'normalization' | 'mixed';
export const AUTO_PIN_KINDS: readonly AutoPinKind[] = ['attention', 'normalization', 'mixed'];

/**
 * A precision plan: what precision a module should run in, and which ONNX nodes must stay in FP32. One plan
 * serves every stack: the ONNX Runtime stacks and TensorRT 11 run it as a typed graph (`applyPrecisionPlan`),
 * TensorRT 10 as layer constraints (engine-builder); eval's bisection writes it with everything its candidate
 * needed, so the plan reproduces that candidate.
 */
export interface PrecisionPlan {
  /** Plan format version; only 1 exists. */
  schemaVersion: 1;
  /** Precision of every node not pinned below. */
  defaultPrecision: Precision;
  /** Nodes to pin to FP32 (only meaningful when `defaultPrecision` is not fp32). */
  pinFp32?: {
    /** Exact ONNX node names. Each must exist in the model. */
    nodes?: string[];
    /**
     * Node-name patterns: globs where `*` matches any run of characters and `?` one character
     * (e.g. `/image_encoder/trunk/blocks.*\/attn/Softmax`), or regular expressions written `re:<source>`.
     * Each pattern must match at least one node.
     */
    patterns?: string[];
    /** Pattern families found by graph-surgery's finders (see `AutoPinKind`). */
    auto?: AutoPinKind[];
  };
  /**
   * Per-node output types, keyed by exact ONNX node name, one type per node output
   * (e.g. `{ "/x/MatMul": ["fp32"] }`). Pinned nodes get FP32 outputs without being listed here.
   */
  outputTypes?: Record<string, Precision[]>;
  /**
   * Op types every node of which stays FP32, for kernels a stack lacks or gets wrong in FP16 (onnxruntime-node
   * 1.30's WebGPU provider fails on an FP16 cubic Resize). On a typed graph they stay FP32 behind Casts, as
   * `graph-surgery fp16 --block-ops` does; TensorRT 10 pins their layers to FP32.
   */
  blockOps?: string[];
  /** Keep the model's inputs and outputs in FP32 on a typed graph (TensorRT 11, ONNX Runtime). Default true. */
  keepIoTypes?: boolean;
  /** Free text: where the plan came from (e.g. "eval bisect 2026-11-27"). Not used for building. */
  note?: string;
}

/**
 * The plan for `--precision fp32|fp16|bf16|mixed` when no plan file is given. `mixed` is FP16 with graph-surgery's
 * `mixed` preset pinned to FP32: the one definition the fp32-islands command and this package share.
 */
export function planForPrecision(mode: Precision | 'mixed'): PrecisionPlan {
  if (mode === 'mixed') return { schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { auto: ['mixed'] } };
  return { schemaVersion: 1, defaultPrecision: mode };
}
