import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { type ApplyPlanReport, applyPrecisionPlan } from '../passes/apply-plan.js';
import { loadPlan } from '../plan/validate.js';
import { applyPass, passOptions } from './pass-io.js';

/** One line per fact of an applied plan. */
function summary(r: ApplyPlanReport): string {
  const p = r.resolved;
  if (r.edits.length === 0) return `apply-plan: ${p.defaultPrecision} plan: the model is unchanged`;
  const lines = [
    `apply-plan: ${p.defaultPrecision.toUpperCase()} graph, ${p.fp32Nodes.length} nodes in FP32` +
      (p.blockOps.length ? ` (${p.blockOps.join(', ')} ops blocked)` : '') +
      `, I/O ${p.keepIoTypes ? 'kept FP32' : `in ${p.defaultPrecision.toUpperCase()}`}`,
    ...r.edits.map((e) => `  ${e.pass} ${JSON.stringify(e.options)}`),
  ];
  for (const u of p.unmatched) lines.push(`warning: plan entry ${u} matches no node of this model`);
  return lines.join('\n');
}

export function registerApplyPlan(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'apply-plan <model>',
    'Apply a precision plan (the one engine-builder builds from): the typed graph the ONNX Runtime stacks run',
    (y) =>
      passOptions(y)
        .option('plan', {
          type: 'string',
          demandOption: true,
          describe: 'Precision plan JSON (`track-eval bisect --plan-out`, or written by hand; see README)',
        })
        .example(
          '$0 apply-plan image_encoder.onnx --plan ie.plan.json -o image_encoder.mixed.onnx',
          'The model a bisection found, ready for ort-webgpu',
        ),
    async (args) => {
      const plan = await loadPlan(args.plan);
      await applyPass(args, io, (m) => applyPrecisionPlan(m, plan), summary);
    },
  );
}
