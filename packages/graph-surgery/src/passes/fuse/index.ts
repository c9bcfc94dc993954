/**
 * `graph-surgery fuse`: graph rewrites that give ONNX Runtime's GPU providers fewer, bigger kernels, each one
 * optional because whether it helps is a measured question per provider (ORT's own optimiser already does some of
 * them at level `all` for some providers; a fused kernel can also be slower, like ORT's MultiHeadAttention on
 * memory attention's 7232 keys). Every fusion keeps the graph's results (FastGelu approximates, ~1e-3), and the
 * precision tools (patterns, FP32 islands, FP16 conversion, bisection) work on the fused graph.
 */
import { ToolkitError } from '@tamkit/common';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import type { ModelProto } from '../../onnx/types.js';
import { nameUnnamedNodes } from '../../patterns/select.js';
import { removeCancellingCasts } from '../support/casts.js';
import { requireGraph } from '../support/model-checks.js';
import { defaultOpset } from '../support/subgraph-types.js';
import { importMsDomain, MS_DOMAIN, type ShapeHints } from './common.js';
import { fuseBiasGeluInGraph, fuseGeluInGraph } from './gelu.js';
import { fuseLayerNormInGraph, fuseSkipLayerNormInGraph } from './layer-norm.js';

/**
 * The fusions, in the order they run (later ones build on earlier ones: a LayerNormalization made from a
 * decomposed chain can become a SkipLayerNormalization; BiasGelu needs a fused Gelu):
 * - `casts`: Casts to the type a tensor already has, and lossless round trips (int32 -> int64 -> int32);
 * - `layernorm`: decomposed layer norms -> LayerNormalization (LayerNorm2d through NHWC transposes);
 * - `skip-layernorm`: residual Add -> LayerNormalization over a 2-D/3-D tensor -> com.microsoft SkipLayerNormalization;
 * - `gelu`: the erf GELU chain -> com.microsoft Gelu (FastGelu with `geluForm: 'fast'`);
 * - `bias-gelu`: a bias Add in front of a fused GELU -> com.microsoft BiasGelu (or FastGelu's bias input).
 */
export const FUSIONS = ['casts', 'layernorm', 'skip-layernorm', 'gelu', 'bias-gelu'] as const;
export type FusionName = (typeof FUSIONS)[number];

export function isFusionName(name: string): name is FusionName {
  return (FUSIONS as readonly string[]).includes(name);
}

/** Options of `fuseForOrt`. */
export interface FuseOptions {
  /** Fusions to apply (default: all of `FUSIONS`). Order does not matter: they run in `FUSIONS` order. */
  fusions?: readonly FusionName[];
  /** `exact` (default): GELU -> Gelu. `fast`: GELU -> FastGelu (tanh approximation, ~1e-3 off). */
  geluForm?: 'exact' | 'fast';
  /** Fuse LayerNorm2d (channels of NCHW) through transposes (default true). */
  channelsFirstLayerNorm?: boolean;
  /**
   * Symbolic dims and small integer input values to infer shapes with (e.g. `{ dims: { num_mem_tokens: 7232 },
   * inputValues: { num_obj_ptr_tokens: [64] } }`, as `inspect --dim/--value` take them). The layer-norm fusions
   * need the shapes of what they fuse; static inference stops at shape arithmetic that depends on an unbound input
   * (memory attention's RoPE split) and those sites are then left alone. The hints only decide which sites are
   * provably safe; the fused graph holds for every input.
   */
  shapeHints?: ShapeHints;
}

/** What `fuseForOrt` did. */
export interface FuseReport {
  /** Sites fused (Casts removed) per fusion that ran. */
  fused: Partial<Record<FusionName, number>>;
  nodesBefore: number;
  nodesAfter: number;
  /** Whether the model now uses ONNX Runtime's com.microsoft ops (only ONNX Runtime runs it then). */
  usesContribOps: boolean;
}

/** Applies the chosen fusions to a model (the input model is not changed). */
export function fuseForOrt(input: ModelProto, options: FuseOptions = {}): { model: ModelProto; report: FuseReport } {
  const chosen = new Set(options.fusions ?? FUSIONS);
  for (const f of chosen) {
    if (!isFusionName(f)) {
      throw new ToolkitError('FUSION_UNKNOWN', `fuse: unknown fusion "${String(f)}"`, {
        remedy: `Use one of: ${FUSIONS.join(', ')}.`,
      });
    }
  }
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'fuse');
  const graph = new Graph(proto);
  nameUnnamedNodes(graph);
  const nodesBefore = proto.node.length;
  const opset = defaultOpset(model);
  const fused: FuseReport['fused'] = {};
  for (const f of FUSIONS) {
    if (!chosen.has(f)) continue;
    switch (f) {
      case 'casts': {
        // Counted as Cast nodes gone: bypassing the back half of a round trip leaves the front half dead.
        const casts = () => proto.node.filter((n) => n.opType === 'Cast').length;
        const before = casts();
        removeCancellingCasts(graph);
        fused.casts = before - casts();
        break;
      }
      case 'layernorm':
        // LayerNormalization exists from opset 17 on.
        fused.layernorm =
          opset >= 17
            ? fuseLayerNormInGraph(graph, {
                channelsFirst: options.channelsFirstLayerNorm ?? true,
                ...(options.shapeHints === undefined ? {} : { shapeHints: options.shapeHints }),
              })
            : 0;
        break;
      case 'skip-layernorm':
        fused['skip-layernorm'] = fuseSkipLayerNormInGraph(graph, options.shapeHints);
        break;
      case 'gelu':
        fused.gelu = fuseGeluInGraph(graph, { form: options.geluForm ?? 'exact' });
        break;
      case 'bias-gelu':
        fused['bias-gelu'] = fuseBiasGeluInGraph(graph);
        break;
    }
  }
  graph.cleanup();
  const usesContribOps = proto.node.some((n) => n.domain === MS_DOMAIN);
  if (usesContribOps) importMsDomain(model);
  return { model, report: { fused, nodesBefore, nodesAfter: proto.node.length, usesContribOps } };
}
