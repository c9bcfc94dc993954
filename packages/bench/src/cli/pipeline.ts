import { basename, resolve } from 'node:path';
import { ExitCode, UsageError, writeFileAtomic } from '@tamkit/common';
import { type CliIo, modelsOption, stackOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { ImageFolderVideo } from '../pipeline/image-folder-video.js';
import { benchPipeline } from '../pipeline/pipeline-report.js';
import { SyntheticVideo } from '../pipeline/synthetic-video.js';
import { formatPipelineTable } from '../report/console-table.js';
import { reportToCsv } from '../report/csv.js';
import type { Box } from '../tracker/mask-box.js';
import { parseStackSpec } from '../tracker/stack-spec.js';

/** `bench pipeline --models DIR --stack SPEC`: the chained tracking loop, timed per stage and per frame. */
export function registerPipelineCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'pipeline',
    'Time the chained tracking loop (preprocess -> 4 modules -> memory bank -> box) against isolated module runs',
    (y) =>
      y
        .options({
          ...modelsOption(
            'Folder with image_encoder.onnx, memory_attention.onnx, mask_decoder.onnx, memory_encoder.onnx (and optionally tracker-params.json); repeat to compare variants',
            { array: true, demandOption: 'Point --models at a folder with the four <module>.onnx files.' },
          ),
          ...stackOption('Stack for every module (ort-cpu), or module=stack pairs, comma separated', {
            array: true,
            demandOption: 'Name a stack (e.g. --stack ort-cpu).',
          }),
          frames: { type: 'number', default: 24, describe: 'Timed frames' },
          'warmup-frames': {
            type: 'number',
            default: 8,
            describe: 'Frames tracked before timing (the memory bank fills up)',
          },
          'isolated-iterations': {
            type: 'number',
            default: 1,
            describe: "Isolated runs of each module after each timed frame, on that frame's inputs (0 skips them)",
          },
          kalman: { type: 'boolean', default: false, describe: 'SAMURAI: motion-aware mask and memory selection' },
          'host-worker': {
            type: 'boolean',
            describe:
              'Host stages (next-frame preprocessing, mask upsample, feature tokens) in a worker thread beside inference; --no-host-worker runs them in process (default: on with more than 2 cores)',
          },
          box: {
            choices: ['exact', 'low-res'] as const,
            default: 'exact' as const,
            describe: 'Box from the logits resized to the frame (exact) or the scaled 128x128 box',
          },
          'device-copies': {
            type: 'boolean',
            default: false,
            describe: 'Run again keeping outputs on the GPU (ort-webgpu) and report the copy time saved',
          },
          variant: {
            type: 'string',
            array: true,
            describe: 'Label of each --models variant, in the same order (default: the folder names)',
          },
          images: {
            type: 'string',
            describe: 'Track the frames of this image folder (sorted JPEG/PNG/WebP) instead of a synthetic video',
          },
          prompt: {
            type: 'string',
            describe: 'First-frame box x,y,w,h in pixels for --images (default: first line of groundtruth.txt)',
          },
          'frame-size': { type: 'string', default: '1280x720', describe: 'Synthetic video size WxH' },
          seed: { type: 'number', default: 0, describe: 'Seed of the synthetic video and default tracker parameters' },
          spinning: {
            type: 'boolean',
            default: false,
            describe:
              'Let ONNX Runtime intra-op threads spin between runs (off: the modules take turns on the same cores)',
          },
          threads: { type: 'number', describe: 'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses)' },
          plan: {
            type: 'string',
            describe: 'Precision plan for every module (a plan file), or a folder of <module>.plan.json',
          },
          json: {
            type: 'string',
            describe: 'Write the BenchReport JSON to FILE (`--json=-` prints it instead of the table)',
          },
          csv: { type: 'string', describe: 'Write the CSV (one row per stage and per frame summary) to FILE' },
          label: { type: 'string', describe: 'Label stored in the report (e.g. the CI runner name)' },
        })
        .example('$0 pipeline --models zoo/ --stack ort-cpu', 'the whole loop on the ONNX Runtime CPU provider')
        .example(
          '$0 pipeline --models zoo/ --stack ort-webgpu,mask_decoder=ort-cpu --device-copies --json reports/pipeline.json',
          'a mixed pipeline, with and without host copies between WebGPU modules',
        )
        .example(
          '$0 pipeline --models zoo/ --variant unbaked --models zoo-baked/ --variant baked --stack ort-cpu --kalman',
          'unbaked against baked models, side by side, with SAMURAI selection',
        ),
    async (args) => {
      for (const [flag, value, min] of [
        ['--frames', args.frames, 1],
        ['--warmup-frames', args['warmup-frames'], 0],
        ['--isolated-iterations', args['isolated-iterations'], 0],
        ['--threads', args.threads, 1],
      ] as const) {
        if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
          throw new UsageError(`${flag} ${value}: expected an integer >= ${min}`);
        }
      }
      const size = /^(\d+)x(\d+)$/.exec(args['frame-size']);
      if (!size) throw new UsageError(`--frame-size ${args['frame-size']}: expected WxH, e.g. 1280x720`);
      const video = args.images
        ? await ImageFolderVideo.open(args.images, args.prompt === undefined ? undefined : parseBox(args.prompt))
        : new SyntheticVideo({ width: Number(size[1]), height: Number(size[2]), seed: args.seed });
      const variants = args.variant ?? args.models.map((m) => basename(resolve(m)));
      if (variants.length !== args.models.length) {
        throw new UsageError(
          `${args.models.length} --models but ${variants.length} --variant`,
          'Give one --variant per --models, in the same order, or none to use the folder names.',
        );
      }
      const stacks = parseStackSpec(args.stack);
      const report = await benchPipeline({
        ...(args.label === undefined ? {} : { label: args.label }),
        runs: args.models.map((models, i) => ({
          models,
          stacks,
          frames: args.frames,
          warmupFrames: args['warmup-frames'],
          isolatedIterations: args['isolated-iterations'],
          tracker: {
            kalman: args.kalman,
            box: args.box,
            ...(args['host-worker'] === undefined ? {} : { hostWorker: args['host-worker'] }),
          },
          compareDeviceCopies: args['device-copies'],
          allowSpinning: args.spinning,
          variant: variants[i]!,
          seed: args.seed,
          video,
          ...(args.threads === undefined ? {} : { threads: args.threads }),
          ...(args.plan === undefined ? {} : { plan: args.plan }),
          onProgress: (e: { keepOnDevice: boolean }) =>
            io.err(`${variants[i]}: tracking (${e.keepOnDevice ? 'outputs kept on the device' : 'host copies'})...`),
        })),
      });
      if (args.json === '-') io.out(JSON.stringify(report, null, 2));
      else {
        io.out(formatPipelineTable(report));
        for (const p of report.pipelines) for (const note of p.notes) io.out(`note: ${note}`);
        for (const u of report.unavailable) io.out(`${u.stack} unavailable: ${u.reason}\n  Note: ${u.remedy}`);
      }
      if (args.json !== undefined && args.json !== '-')
        await writeFileAtomic(args.json, `${JSON.stringify(report, null, 2)}\n`);
      if (args.csv !== undefined) await writeFileAtomic(args.csv, reportToCsv(report));
      if (report.pipelines.length === 0) setExitCode(ExitCode.Unavailable);
    },
  );
}

function parseBox(text: string): Box {
  const v = text.split(',').map(Number);
  if (v.length !== 4 || !v.every(Number.isFinite) || v[2]! <= 0 || v[3]! <= 0) {
    throw new UsageError(`--prompt ${text}: expected x,y,w,h with a positive width and height`);
  }
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}
