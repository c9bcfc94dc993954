import { ExitCode } from '@tamkit/common';
import { type CommandIo, numberOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { StackName } from '../stacks/registry.js';
import type { GraphOptimization } from '../stacks/stack-definition.js';
import type { DescribedRun } from '../stacks/trt/describe-commands.js';
import { budgetOptions, modelOptions, planOption, reportOutputOptions, shapesOption, stackOptions } from './options.js';
import { checkReportFiles, writeReportFiles } from './report-files.js';

/** `bench [run] --stack NAME... --models DIR|FILE`: the default command. */
export function registerRunCommand(cli: Argv, io: CommandIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    ['run', '$0'],
    'Benchmark every .onnx module on every named stack, side by side',
    (y) =>
      y
        .options({
          ...stackOptions,
          ...modelOptions,
          ...budgetOptions,
          ...reportOutputOptions('Write one CSV row per module result to FILE'),
          ...planOption,
          ...shapesOption,
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
          spinning: {
            type: 'boolean',
            describe:
              "ONNX Runtime intra-op spinning (default: ORT's, on, as in Python); --no-spinning: threads sleep between ops",
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
          ...numberOption(
            'profile-runs',
            'Runs of the separate profiled session that verifies placement (0 skips it)',
            { integer: true, min: 0 },
            { default: 3 },
          ),
        })
        .example('$0 --stack ort-cpu --models zoo/', 'every module of zoo/ on the ONNX Runtime CPU provider')
        .example(
          '$0 --stack ort-cpu --stack ort-webgpu --models zoo/ -o reports/run.json --csv reports/run.csv',
          'two stacks side by side, results as JSON and CSV',
        )
        .example('$0 --stack ort-cpu --models zoo/ --json | jq .modules', 'the report as JSON on stdout')
        .example(
          '$0 --stack ort-webgpu --models zoo/ --plan plans/',
          'every module at the precision plan track-eval bisect wrote for it',
        )
        .example(
          '$0 --stack ort-cuda --models zoo/ --shapes original --shapes static -o shapes.json',
          'every module as exported and specialised to the benchmarked shapes, interleaved (bench compare shapes.json)',
        )
        .example(
          '$0 --stack trt-mixed --models zoo/ --print-command --trt-version 10',
          'the trtexec commands, run nothing (no TensorRT needed)',
        )
        .example(
          '$0 --stack ort-cpu --models zoo/memory_attention.onnx --shape memory:4160x1x64 --shape memory_pos:4160x1x64 --iterations 50',
          'memory attention with 4 memory frames, 50 timed runs',
        ),
    async (args) => {
      const [{ findModels, moduleName }, { parseShapeSpecs }] = await Promise.all([
        import('../measure/find-models.js'),
        import('../measure/shapes.js'),
      ]);
      if (args['print-command']) {
        const [{ describeRunCommands }, { hintTrtVersion }, { loadModulePlans }] = await Promise.all([
          import('../stacks/trt/describe-commands.js'),
          import('@tamkit/engine-builder/cli'),
          import('../measure/plans.js'),
        ]);
        const models = await findModels(args.models);
        const planned = args.plan === undefined ? undefined : await loadModulePlans(args.plan, models);
        const described = await describeRunCommands(args.stack, models, {
          shapes: parseShapeSpecs(args.shape),
          ...(planned === undefined ? {} : { plans: planned.plans }),
          ...(args.iterations === undefined ? { timeMs: args['time-ms'] } : { iterations: args.iterations }),
          ...(args['trt-version'] === undefined ? {} : { trtVersion: args['trt-version'] as 10 | 11 }),
        }).catch(hintTrtVersion);
        io.out(formatDescribedRuns(described, moduleName));
        return;
      }
      const files = { out: args.out, csv: args.csv };
      await checkReportFiles(files);
      const [{ runBench }, { formatReportTables }, { formatRecommendation }] = await Promise.all([
        import('../measure/run-bench.js'),
        import('../report/index.js'),
        import('./recommendation.js'),
      ]);
      const stacks = [...new Set(args.stack as StackName[])];
      const modules = (await findModels(args.models)).length;
      // Results per stack: one per module and shape variant on ONNX Runtime stacks, one per module elsewhere.
      const { getStack } = await import('../stacks/registry.js');
      const variants = args.shapes.length;
      const perStack = new Map(
        stacks.map((s) => [s, modules * (getStack(s).family === 'onnxruntime' ? variants : 1)] as const),
      );
      const progress = io.progress(
        'bench',
        [...perStack.values()].reduce((a, b) => a + b, 0),
      );
      // Results finished per stack; a stack found unavailable counts all its results as done (the ETA stays true).
      const finished = new Map<string, number>();
      const done = () => [...finished.values()].reduce((a, b) => a + b, 0);
      const report = await runBench({
        stacks,
        models: args.models,
        budget: {
          warmupIterations: args.warmup,
          ...(args.iterations === undefined ? { timeMs: args['time-ms'] } : { iterations: args.iterations }),
        },
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        ...(args['graph-optimization'] === undefined
          ? {}
          : { graphOptimization: args['graph-optimization'] as GraphOptimization }),
        ...(args.spinning === undefined ? {} : { allowSpinning: args.spinning }),
        shapes: parseShapeSpecs(args.shape),
        seed: args.seed,
        allowPartial: args['allow-partial'],
        deviceOutputs: args['device-outputs'],
        profileRuns: args['profile-runs'],
        ...(args.plan === undefined ? {} : { plan: args.plan }),
        shapeVariants: args.shapes,
        ...(args.label === undefined ? {} : { label: args.label }),
        onProgress: (event) => {
          if (event.kind === 'module-start') progress.update(done(), `${event.module} on ${event.stack}`);
          if (event.kind === 'module-done') {
            finished.set(event.result.stack, (finished.get(event.result.stack) ?? 0) + 1);
            const r = event.result;
            io.debug(
              `${r.module} (${r.shapes ?? 'original'}) on ${r.stack}: p50 ${r.latency.p50Ms.toFixed(3)} ms over ${r.latency.samples} runs`,
            );
            progress.update(done());
          }
          if (event.kind === 'unavailable') {
            finished.set(event.stack, perStack.get(event.stack as StackName) ?? modules);
            io.info(`skipping ${event.stack}: ${event.reason}`);
          }
        },
      });
      progress.finish();
      if (args.json) io.out(JSON.stringify(report, null, 2));
      else io.out(formatReportTables(report) + formatRecommendation(report, args['allow-partial']));
      await writeReportFiles(report, files, io);
      // Nothing measured at all: say so with the "unavailable" exit code (the report still lists why).
      if (report.modules.length === 0) setExitCode(ExitCode.Unavailable);
    },
  );
}

function formatDescribedRuns(described: readonly DescribedRun[], moduleName: (path: string) => string): string {
  return described
    .map(({ stack, modelPath, commands }) =>
      commands === null
        ? `# ${stack} ${moduleName(modelPath)}: runs in this process (onnxruntime-node), no external command`
        : `# ${stack} ${moduleName(modelPath)}\n# build (in the engine cache entry's directory)\n${commands.build}\n# time\n${commands.run}`,
    )
    .join('\n');
}
