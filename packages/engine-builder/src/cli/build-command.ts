import { ExitCode, UsageError } from '@tamkit/common';
import { type CliIo, jsonOption, quietOption } from '@tamkit/common/cli';
import {
  loadPlan,
  PRECISION_MODES,
  type PrecisionMode,
  type PrecisionPlan,
  planForPrecision,
} from '@tamkit/graph-surgery';
import type { Argv } from 'yargs';
import { buildEngine } from '../build.js';
import { describeBuild } from '../build-plan.js';
import type { ShapeProfile } from '../trtexec/build-args.js';
import { parseGpuRecord } from '../trtexec/gpu.js';
import { parseShapeList } from '../trtexec/spec.js';
import { defaultCacheDir, withCacheOption, withTrtexecOption } from './options.js';
import { renderFindings } from './render.js';

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

function shapes(argv: { minShapes?: string; optShapes?: string; maxShapes?: string }): ShapeProfile | undefined {
  const profile: ShapeProfile = {};
  if (argv.minShapes) profile.min = parseShapeList(argv.minShapes, '--min-shapes');
  if (argv.optShapes) profile.opt = parseShapeList(argv.optShapes, '--opt-shapes');
  if (argv.maxShapes) profile.max = parseShapeList(argv.maxShapes, '--max-shapes');
  return Object.keys(profile).length > 0 ? profile : undefined;
}

export function registerBuildCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'build <model>',
    'Build a TensorRT engine for an ONNX model with a precision plan (cached)',
    (y) =>
      withTrtexecOption(withCacheOption(y))
        .options(jsonOption())
        .positional('model', { type: 'string', demandOption: true, describe: 'ONNX model file' })
        .option('precision', {
          choices: PRECISION_MODES,
          describe: 'fp32 | fp16 | bf16 | mixed (FP16 with attention and normalisation kept in FP32)',
        })
        .option('plan', { type: 'string', describe: 'Precision plan JSON file (see README: "Precision plans")' })
        .option('print-command', {
          type: 'boolean',
          default: false,
          describe: 'Print the trtexec command line and graph edits; run nothing',
        })
        .option('trt-version', {
          choices: [10, 11] as const,
          describe: 'TensorRT major version, when no trtexec is there to ask',
        })
        .option('gpu', {
          type: 'string',
          describe: 'GPU identity for the cache key, "name, compute_cap, uuid, driver" (default: from nvidia-smi)',
        })
        .option('device', { type: 'number', describe: 'GPU index (trtexec --device)' })
        .option('min-shapes', { type: 'string', describe: 'Dynamic input shapes, e.g. memory:1024x1x64' })
        .option('opt-shapes', { type: 'string', describe: 'Dynamic input shapes to optimise for' })
        .option('max-shapes', { type: 'string', describe: 'Largest dynamic input shapes' })
        .option('verbose-build', {
          type: 'boolean',
          default: false,
          describe: 'Run trtexec --verbose (tactic choices in the log)',
        })
        .option('timeout', { type: 'number', describe: 'Stop trtexec after this many seconds' })
        .option('extra-arg', {
          type: 'string',
          array: true,
          describe: 'Extra trtexec argument, e.g. --extra-arg=--memPoolSize=workspace:4096 (repeatable)',
        })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Exit 1 when the engine does not honour the FP32 pins',
        })
        .options(quietOption("Do not stream trtexec's output"))
        .example('$0 build image_encoder.onnx --precision fp16', 'FP16 engine, cached')
        .example(
          '$0 build memory_attention.onnx --precision mixed --print-command --trt-version 10',
          'Show the trtexec command for mixed precision',
        )
        .example(
          '$0 build mask_decoder.onnx --plan plans/mask_decoder.json --cache ./engines --json',
          'Build from a plan file',
        ),
    async (argv) => {
      const plan = await choosePlan(argv.precision as PrecisionMode | undefined, argv.plan);
      const common = {
        plan,
        ...(argv.trtexec ? { trtexec: argv.trtexec } : {}),
        ...(argv.trtVersion ? { trtVersion: argv.trtVersion as 10 | 11 } : {}),
        ...(argv.device !== undefined ? { device: argv.device } : {}),
        ...(argv.verboseBuild ? { verbose: true } : {}),
        ...(argv.extraArg ? { extraArgs: argv.extraArg } : {}),
      };
      const profile = shapes(argv);
      if (profile) Object.assign(common, { shapes: profile });
      if (argv.printCommand) {
        const d = await describeBuild(argv.model, common);
        if (argv.json) io.out(JSON.stringify(d, null, 2));
        else {
          const version = d.trtVersion.startsWith('assumed-') ? `${d.path}.x (from --trt-version)` : d.trtVersion;
          io.out(
            `# TensorRT ${version}: ${d.path === 10 ? 'weakly typed, precision from flags' : 'strongly typed, precision from graph types'}`,
          );
          for (const u of d.unmatched) io.out(`# warning: plan entry ${u} matches no node of this model`);
          for (const line of pinSummary(d.reasons)) io.out(`# FP32: ${line}`);
          for (const e of d.graphEdits) io.out(`# graph edit: ${e.pass} ${JSON.stringify(e.options)}`);
          if (d.graphEdits.length > 0) io.out('# (the edited model is written as model.typed.onnx in the cache entry)');
          io.out('# runs in the cache entry directory');
          io.out(d.command);
        }
        return;
      }
      const result = await buildEngine(argv.model, {
        ...common,
        cacheDir: argv.cache ?? defaultCacheDir(),
        ...(argv.gpu ? { gpu: parseGpuRecord(argv.gpu) } : {}),
        ...(argv.timeout !== undefined ? { timeoutMs: argv.timeout * 1000 } : {}),
        ...(argv.quiet ? {} : { onLine: (line: string) => io.err(line) }),
        onEvent: (e) => {
          if (e.kind === 'waiting') io.err(`[engine-builder] another build of ${e.key} is running; waiting for it`);
          if (e.kind === 'building' && !argv.quiet) io.err(`[engine-builder] building ${e.key}: ${e.command}`);
        },
      });
      for (const u of result.entry.manifest.resolvedPlan.unmatched ?? [])
        io.err(`[engine-builder] warning: plan entry ${u} matches no node of this model`);
      const findings = result.report?.findings ?? [];
      if (argv.json) {
        io.out(
          JSON.stringify(
            {
              enginePath: result.enginePath,
              key: result.entry.key,
              built: result.built,
              findings,
              pinnedNotFound: result.report?.pinnedNotFound ?? [],
            },
            null,
            2,
          ),
        );
      } else {
        io.out(result.enginePath);
        io.err(`[engine-builder] ${result.built ? 'built' : 'cache hit'}: ${result.entry.key}`);
      }
      if (findings.length > 0) {
        io.err(renderFindings(findings));
        if (argv.strict) setExitCode(ExitCode.Failure);
      }
    },
  );
}

/** "12 x auto:mixed (attention softmax)" lines: how many pinned nodes each reason accounts for. */
function pinSummary(reasons: Record<string, string[]>): string[] {
  const counts = new Map<string, number>();
  for (const list of Object.values(reasons)) for (const r of list) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} x ${reason}`);
}
