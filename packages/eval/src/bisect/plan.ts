/**
 * The precision plan a bisection writes: the one plan format (graph-surgery's), so `engine-builder build --plan`,
 * `graph-surgery apply-plan` and `bench --plan` all run what the bisection's candidate ran.
 */

import { writeFileAtomic } from '@tamkit/common';
import { type PrecisionPlan, serializePlan, validatePlan } from '@tamkit/graph-surgery';

/** What a plan records about one module's bisection. */
export interface PlanSource {
  module: string;
  /** `fp16` with pins when a set was found; `fp32` when the module cannot meet the tolerance in FP16. */
  outcome: 'fp16' | 'fp32';
  fp32Nodes: readonly string[];
  /** Op types every candidate kept FP32 (`native` mode's `blockOps`): recorded so the plan reproduces them. */
  blockOps?: readonly string[];
  /** Free text for the plan's note (stack, tolerance, error). */
  detail: string;
}

/** The plan of one module (validated with the plan format's own validator). */
export function planFromBisection(source: PlanSource): PrecisionPlan {
  const plan: PrecisionPlan =
    source.outcome === 'fp32'
      ? { schemaVersion: 1, defaultPrecision: 'fp32' }
      : {
          schemaVersion: 1,
          defaultPrecision: 'fp16',
          ...(source.fp32Nodes.length ? { pinFp32: { nodes: [...source.fp32Nodes] } } : {}),
          ...(source.blockOps?.length ? { blockOps: [...source.blockOps] } : {}),
          // The candidates kept FP32 inputs and outputs: so does the plan (the typed-graph default, written out).
          keepIoTypes: true,
        };
  plan.note = `track-eval bisect, ${source.module}: ${source.detail}`;
  return validatePlan(plan, `plan for ${source.module}`);
}

/** Writes a plan file atomically (the plan format's serialisation). */
export async function writePlanFile(path: string, plan: PrecisionPlan): Promise<void> {
  await writeFileAtomic(path, serializePlan(plan));
}
