/**
 * A precision plan applied to an ONNX model: the typed graph the ONNX Runtime stacks run (and TensorRT 11
 * builds). The plan's pins are resolved against the model (exact names, patterns, `auto` families found by the
 * pattern finders, blocked op types), then expressed as graph edits (`planGraphEdits`).
 */
import type { ModelProto } from '../onnx/types.js';
import { findAttentionScores } from '../patterns/attention.js';
import { mixedPresetNodes } from '../patterns/mixed-preset.js';
import { findNormalizations } from '../patterns/normalization.js';
import { applyPlanEdits, type GraphEdit, planGraphEdits } from '../plan/graph-edits.js';
import { graphViewOf } from '../plan/graph-view.js';
import type { AutoPinKind, PrecisionPlan } from '../plan/plan.js';
import { type AutoPin, type AutoPinFinder, type ResolvedPlan, resolvePlan } from '../plan/resolve.js';
import { requireGraph } from './support/model-checks.js';

/** What applying a plan did. */
export interface ApplyPlanReport {
  /** The plan resolved against this model: pinned nodes with reasons, blocked op types, unmatched entries. */
  resolved: ResolvedPlan;
  /** The graph edits performed, in order (none for an FP32 plan). */
  edits: GraphEdit[];
}

/**
 * The `auto` pin finders over a model's main graph: the attention and normalisation patterns, and the `mixed`
 * preset (its nodes come with the preset's reason). Each family is searched once, on first use.
 */
export function autoPinFinder(model: ModelProto): AutoPinFinder {
  const found = new Map<AutoPinKind, readonly AutoPin[]>();
  return (kind) => {
    let nodes = found.get(kind);
    if (nodes === undefined) {
      const graph = requireGraph(model, 'apply-plan');
      if (kind === 'mixed') nodes = mixedPresetNodes(graph);
      else {
        const matches = kind === 'attention' ? findAttentionScores(graph) : findNormalizations(graph);
        nodes = [...new Set(matches.flatMap((m) => m.nodes))];
      }
      found.set(kind, nodes);
    }
    return nodes;
  };
}

/**
 * Applies a precision plan to a model (never modified): the model the ONNX Runtime stacks run for that plan. An
 * FP32 plan returns the model as it is. Errors as `resolvePlan` (names not in the model, a plan that pins nothing
 * it asked for) and `planGraphEdits` (output types a typed graph cannot express).
 */
export function applyPrecisionPlan(
  model: ModelProto,
  plan: PrecisionPlan,
): { model: ModelProto; report: ApplyPlanReport } {
  const resolved = resolvePlan(plan, graphViewOf(model), autoPinFinder(model));
  const edits = planGraphEdits(resolved);
  return { model: edits.length === 0 ? model : applyPlanEdits(model, edits), report: { resolved, edits } };
}
