import { UsageError } from '@tamkit/common';
import { loadPlan, type PrecisionMode, type PrecisionPlan, planForPrecision } from '@tamkit/graph-surgery';

/** Chooses the plan from --precision and --plan; they must not contradict each other. */
export async function choosePlan(
  precision: PrecisionMode | undefined,
  planFile: string | undefined,
): Promise<PrecisionPlan> {
  if (!planFile) {
    if (!precision) throw new UsageError('Give --precision or --plan.');
    return planForPrecision(precision);
  }
  const plan = await loadPlan(planFile);
  if (precision === undefined) return plan;
  if (precision === 'mixed') {
    if (plan.defaultPrecision === 'fp32')
      throw new UsageError(`--precision mixed needs a plan with an fp16 or bf16 default; ${planFile} has fp32.`);
    return plan;
  }
  if (precision !== plan.defaultPrecision) {
    throw new UsageError(
      `--precision ${precision} contradicts ${planFile}, whose defaultPrecision is ${plan.defaultPrecision}.`,
      'Drop --precision (the plan decides) or fix the plan.',
    );
  }
  return plan;
}
