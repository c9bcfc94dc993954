import { checkOutputLocation, ExitCode, ToolkitError } from '@tamkit/common';
import { type CommandIo, jsonOption, numberOption } from '@tamkit/common/cli';
import { PRECISION_MODES, type PrecisionMode } from '@tamkit/graph-surgery/names';
import type { Argv } from 'yargs';
import type { BuildSpecOptions } from '../build-plan.js';
import type { ShapeProfile } from '../trtexec/build-args.js';
import { defaultCacheDir, withCacheOption, withTrtexecOption } from './options.js';

async function shapes(argv: {
  minShapes?: string;
  optShapes?: string;
  maxShapes?: string;
}): Promise<ShapeProfile | undefined> {
  const { parseShapeList } = await import('../trtexec/spec.js');
  const profile: ShapeProfile = {};
  if (argv.minShapes) profile.min = parseShapeList(argv.minShapes, '--min-shapes');
  if (argv.optShapes) profile.opt = parseShapeList(argv.optShapes, '--opt-shapes');
  if (argv.maxShapes) profile.max = parseShapeList(argv.maxShapes, '--max-shapes');
  return Object.keys(profile).length > 0 ? profile : undefined;
}

/**
 * `--print-command` needs no trtexec when the TensorRT version is given: say so when trtexec is missing, instead
 * of only "install TensorRT". Shared with bench's `--print-command`.
 */
export function hintTrtVersion(error: unknown): never {
  if (error instanceof ToolkitError && error.code === 'EXECUTABLE_NOT_FOUND') {
    throw new ToolkitError(error.code, error.message, {
      remedy:
        `${error.remedy ?? ''} To print the commands without trtexec, add --trt-version 10 or --trt-version 11.`.trim(),
      exitCode: error.exitCode,
      cause: error,
    });
  }
  throw error;
}

export function registerBuildCommand(cli: Argv, io: CommandIo, setExitCode: (code: number) => void): Argv {
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
          describe:
            'Print the trtexec command line and graph edits; run nothing (with --trt-version: no trtexec needed)',
        })
        .option('trt-version', {
          choices: [10, 11] as const,
          describe: 'TensorRT major version, when no trtexec is there to ask',
        })
        .option('gpu', {
          type: 'string',
          describe: 'GPU identity for the cache key, "name, compute_cap, uuid, driver" (default: from nvidia-smi)',
        })
        .options(numberOption('device', 'GPU index (trtexec --device)', { integer: true, min: 0 }))
        .option('min-shapes', { type: 'string', describe: 'Dynamic input shapes, e.g. memory:1024x1x64' })
        .option('opt-shapes', { type: 'string', describe: 'Dynamic input shapes to optimise for' })
        .option('max-shapes', { type: 'string', describe: 'Largest dynamic input shapes' })
        .option('verbose-build', {
          type: 'boolean',
          default: false,
          describe: 'Run trtexec --verbose (tactic choices in the log)',
        })
        .options(numberOption('timeout', 'Stop trtexec after this many seconds', { above: 0 }))
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
        .example('$0 build image_encoder.onnx --precision fp16', 'FP16 engine, cached')
        .example(
          '$0 build memory_attention.onnx --precision mixed --print-command --trt-version 10',
          'Show the trtexec command for mixed precision (no TensorRT needed)',
        )
        .example(
          '$0 build mask_decoder.onnx --plan plans/mask_decoder.json --cache ./engines --json',
          'Build from a plan file',
        ),
    async (argv) => {
      const { choosePlan } = await import('./choose-plan.js');
      const plan = await choosePlan(argv.precision as PrecisionMode | undefined, argv.plan);
      const profile = await shapes(argv);
      io.debug(
        `plan: default ${plan.defaultPrecision}; FP32 pins: ${plan.pinFp32?.nodes?.length ?? 0} nodes, ${plan.pinFp32?.patterns?.length ?? 0} patterns, auto ${plan.pinFp32?.auto?.join('/') || 'none'}`,
      );
      const common: BuildSpecOptions = {
        plan,
        ...(argv.trtexec ? { trtexec: argv.trtexec } : {}),
        ...(argv.trtVersion ? { trtVersion: argv.trtVersion as 10 | 11 } : {}),
        ...(argv.device !== undefined ? { device: argv.device } : {}),
        ...(argv.verboseBuild ? { verbose: true } : {}),
        ...(argv.extraArg ? { extraArgs: argv.extraArg } : {}),
        ...(profile ? { shapes: profile } : {}),
      };
      if (argv.printCommand) {
        const { describeBuild } = await import('../build-plan.js');
        const d = await describeBuild(argv.model, common).catch(hintTrtVersion);
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
      const cacheDir = argv.cache ?? defaultCacheDir();
      io.debug(`cache: ${cacheDir}`);
      await checkOutputLocation(cacheDir, { kind: 'folder', flag: '--cache' });
      const [{ buildEngine }, { parseGpuRecord }, { renderFindings }] = await Promise.all([
        import('../build.js'),
        import('../trtexec/gpu.js'),
        import('./render.js'),
      ]);
      const result = await buildEngine(argv.model, {
        ...common,
        cacheDir,
        ...(argv.gpu ? { gpu: parseGpuRecord(argv.gpu) } : {}),
        ...(argv.timeout !== undefined ? { timeoutMs: argv.timeout * 1000 } : {}),
        ...(io.quiet ? {} : { onLine: (line: string) => io.err(line) }),
        onEvent: (e) => {
          if (e.kind === 'waiting') io.info(`[engine-builder] another build of ${e.key} is running; waiting for it`);
          if (e.kind === 'building') io.info(`[engine-builder] building ${e.key}: ${e.command}`);
        },
      });
      for (const u of result.entry.manifest.resolvedPlan.unmatched ?? [])
        io.warn(`plan entry ${u} matches no node of this model`);
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
      } else io.out(result.enginePath);
      if (result.built) io.wrote(result.enginePath, `the engine (cache entry ${result.entry.key.slice(0, 12)})`);
      else io.info(`cache hit: ${result.enginePath} (entry ${result.entry.key.slice(0, 12)}), nothing built`);
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
