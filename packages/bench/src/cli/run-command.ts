import { ExitCode, UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { findModels, moduleName } from '../measure/find-models.js';
import { loadModulePlans } from '../measure/plans.js';
import { runBench } from '../measure/run-bench.js';
import { parseShapeSpecs } from '../measure/shapes.js';
import { formatReportTables, reportToCsv, writeFileAtomic } from '../report/index.js';
import type { StackName } from '../stacks/registry.js';
import { type DescribedRun, describeRunCommands } from '../stacks/trt/describe-commands.js';
import { budgetOptions, modelOptions, outputOptions, stackOptions } from './options.js';
import { formatRecommendation } from './recommendation.js';

/** `bench [run] --stack NAME... --models DIR|FILE`: the default command. */
export function registerRunCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    ['run', '$0'],
    'Benchmark every .onnx module on every named stack, side by side',
    (y) =>
      y
        .options({
          ...stackOptions,
          ...modelOptions,
          ...budgetOptions,
          ...outputOptions,
          'allow-partial': {
            type: 'boolean',
            default: false,
            describe: 'Report stacks whose compute ops partly ran on another provider (shares kept in the result)',
          },
          'device-outputs': {
            type: 'boolean',
            default: false,
            describe: 'Keep outputs on the GPU where the stack can (ort-webgpu) and time their download apart (d2h)',
          },
          'print-command': {
            type: 'boolean',
            default: false,
            describe: 'Print the trtexec command lines the trt-* stacks would run (build and timing), run nothing',
          },
          'trt-version': {
            type: 'number',
            choices: [10, 11],
            describe: 'TensorRT major version for --print-command when no trtexec is found',
          },
          plan: {
            type: 'string',
            describe:
              'Precision plan for every module (a plan file), or a folder of <module>.plan.json (track-eval bisect --plan-dir): ort-* stacks run the plan applied to the model, trt-* stacks build their engines from it',
          },
          'profile-runs': {
            type: 'number',
            default: 3,
            describe: 'Runs of the separate profiled session that verifies placement (0 skips it)',
          },
        })
        .example('$0 --stack ort-cpu --models zoo/', 'every module of zoo/ on the ONNX Runtime CPU provider')
        .example(
          '$0 --stack ort-cpu --stack ort-webgpu --models zoo/ --json reports/run.json --csv reports/run.csv',
          'two stacks side by side, results as JSON and CSV',
        )
        .example(
          '$0 --stack trt-mixed --models zoo/ --print-command --trt-version 10',
          'the trtexec commands, run nothing',
        )
        .example(
          '$0 --stack ort-webgpu --models zoo/ --plan plans/',
          'every module at the precision plan track-eval bisect wrote for it',
        )
        .example(
          '$0 --stack ort-cpu --models zoo/memory_attention.onnx --shape memory:4160x1x64 --shape memory_pos:4160x1x64 --iterations 50',
          'memory attention with 4 memory frames, 50 timed runs',
        ),
    async (args) => {
      checkCount('--iterations', args.iterations, 1);
      checkCount('--warmup', args.warmup, 0);
      checkCount('--threads', args.threads, 1);
      checkCount('--profile-runs', args['profile-runs'], 0);
      if (!(Number.isFinite(args['time-ms']) && args['time-ms'] > 0)) {
        throw new UsageError(`--time-ms ${args['time-ms']}: expected a positive number of milliseconds`);
      }
      if (args['print-command']) {
        const models = await findModels(args.models);
        const planned = args.plan === undefined ? undefined : await loadModulePlans(args.plan, models);
        const described = await describeRunCommands(args.stack, models, {
          shapes: parseShapeSpecs(args.shape),
          ...(planned === undefined ? {} : { plans: planned.plans }),
          ...(args.iterations === undefined ? { timeMs: args['time-ms'] } : { iterations: args.iterations }),
          ...(args['trt-version'] === undefined ? {} : { trtVersion: args['trt-version'] as 10 | 11 }),
        });
        io.out(formatDescribedRuns(described));
        return;
      }
      const jsonToStdout = args.json === '-';
      const report = await runBench({
        stacks: args.stack as StackName[],
        models: args.models,
        budget: {
          warmupIterations: args.warmup,
          ...(args.iterations === undefined ? { timeMs: args['time-ms'] } : { iterations: args.iterations }),
        },
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        shapes: parseShapeSpecs(args.shape),
        seed: args.seed,
        allowPartial: args['allow-partial'],
        deviceOutputs: args['device-outputs'],
        profileRuns: args['profile-runs'],
        ...(args.plan === undefined ? {} : { plan: args.plan }),
        ...(args.label === undefined ? {} : { label: args.label }),
        onProgress: (event) => {
          if (event.kind === 'module-start') io.err(`running ${event.module} on ${event.stack}...`);
          if (event.kind === 'unavailable') io.err(`skipping ${event.stack}: ${event.reason}`);
        },
      });
      if (jsonToStdout) io.out(JSON.stringify(report, null, 2));
      else io.out(formatReportTables(report) + formatRecommendation(report, args['allow-partial']));
      if (args.json !== undefined && !jsonToStdout)
        await writeFileAtomic(args.json, `${JSON.stringify(report, null, 2)}\n`);
      if (args.csv !== undefined) await writeFileAtomic(args.csv, reportToCsv(report));
      // Nothing measured at all: say so with the "unavailable" exit code (the report still lists why).
      if (report.modules.length === 0) setExitCode(ExitCode.Unavailable);
    },
  );
}

/** Rejects a non-integer or too-small count with a usage error naming the flag. */
function checkCount(flag: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new UsageError(`${flag} ${value}: expected an integer >= ${min}`);
  }
}

function formatDescribedRuns(described: readonly DescribedRun[]): string {
  return described
    .map(({ stack, modelPath, commands }) =>
      commands === null
        ? `# ${stack} ${moduleName(modelPath)}: runs in this process (onnxruntime-node), no external command`
        : `# ${stack} ${moduleName(modelPath)}\n# build (in the engine cache entry's directory)\n${commands.build}\n# time\n${commands.run}`,
    )
    .join('\n');
}
