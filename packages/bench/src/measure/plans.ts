/**
 * `--plan`: which precision plan each model file runs at. A plan file applies to every model; a folder holds one
 * `<module>.plan.json` per module (what `track-eval bisect --plan-dir` writes), and a module without one runs as
 * it is.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { loadPlan, type PrecisionPlan } from '@tamkit/graph-surgery';

/** Plans by model path, and what the caller should be told (modules a plan folder does not cover). */
export interface ModulePlans {
  plans: Map<string, PrecisionPlan>;
  notes: string[];
}

/** The plan of each model in `models` from a plan file or a folder of `<module>.plan.json` (see the file comment). */
export async function loadModulePlans(path: string, models: readonly string[]): Promise<ModulePlans> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) {
    const plan = await loadPlan(path);
    return { plans: new Map(models.map((m) => [m, plan])), notes: [`precision plan ${path} applied to every module`] };
  }
  const plans = new Map<string, PrecisionPlan>();
  const without: string[] = [];
  for (const model of models) {
    const module = basename(model, '.onnx');
    const file = join(path, `${module}.plan.json`);
    if (
      await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      plans.set(model, await loadPlan(file));
    else without.push(module);
  }
  if (plans.size === 0) {
    throw new ToolkitError('PLAN_NONE_FOR_MODELS', `--plan ${path} holds no <module>.plan.json for these models`, {
      remedy: `Write ${models.map((m) => `${basename(m, '.onnx')}.plan.json`).join(', ')} there (track-eval bisect --plan-dir), or pass one plan file.`,
    });
  }
  const notes = [`precision plans from ${path}: ${[...plans.keys()].map((m) => basename(m, '.onnx')).join(', ')}`];
  if (without.length > 0) notes.push(`no plan in ${path} for ${without.join(', ')}: run as they are`);
  return { plans, notes };
}
