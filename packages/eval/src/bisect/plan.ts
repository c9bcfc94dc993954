/** The precision plan a bisection writes: engine-builder's format, so `engine-builder build --plan` uses it. */

import { writeFileAtomic } from '@tamkit/common';
import { type PrecisionPlan, serializePlan, validatePlan } from '@tamkit/engine-builder';

/** What a plan records about one module's bisection. */
export interface PlanSource {
  module: string;
  /** `fp16` with pins when a set was found; `fp32` when the module cannot meet the tolerance in FP16. */
  outcome: 'fp16' | 'fp32';
  fp32Nodes: readonly string[];
  /** Free text for the plan's note (stack, tolerance, error). */
  detail: string;
}

/** The plan of one module (validated with engine-builder's own validator). */
export function planFromBisection(source: PlanSource): PrecisionPlan {
  const plan: PrecisionPlan =
    source.outcome === 'fp32'
      ? { schemaVersion: 1, defaultPrecision: 'fp32' }
      : {
          schemaVersion: 1,
          defaultPrecision: 'fp16',
          ...(source.fp32Nodes.length ? { pinFp32: { nodes: [...source.fp32Nodes] } } : {}),
        };
  plan.note = `track-eval bisect, ${source.module}: ${source.detail}`;
  return validatePlan(plan, `plan for ${source.module}`);
}

/** Writes a plan file atomically (engine-builder's serialisation). */
export async function writePlanFile(path: string, plan: PrecisionPlan): Promise<void> {
  await writeFileAtomic(path, serializePlan(plan));
}
