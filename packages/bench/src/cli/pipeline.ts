import { basename, resolve } from 'node:path';
import { ExitCode, UsageError } from '@tamkit/common';
import { type CommandIo, modelsOption, numberOption, type Progress, SEED_RANGE, stackOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { PipelineProgress } from '../pipeline/run-pipeline.js';
import type { GraphOptimization } from '../stacks/stack-definition.js';
import type { Box } from '../tracker/mask-box.js';
import { graphOptimizationOption, planOption, reportOutputOptions, withVideoSizeDeprecation } from './options.js';
import { checkReportFiles, writeReportFiles } from './report-files.js';

/** `bench pipeline --models DIR --stack SPEC`: the chained tracking loop, timed per stage and per frame. */
export function registerPipelineCommand(cli: Argv, io: CommandIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'pipeline',
    'Time the chained tracking loop (preprocess -> 4 modules -> memory bank -> box) against isolated module runs',
    (y) =>
      withVideoSizeDeprecation(
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
            ...numberOption('frames', 'Timed frames', { integer: true, min: 1 }, { default: 24 }),
            ...numberOption(
              'warmup-frames',
              'Frames tracked before timing (the memory bank fills up)',
              { integer: true, min: 0 },
              { default: 8 },
            ),
            ...numberOption(
              'isolated-iterations',
              "Isolated runs of each module after each timed frame, on that frame's inputs (0 skips them)",
              { integer: true, min: 0 },
              { default: 1 },
            ),
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
              describe:
                'Run the loop again with the other output placement (without isolated runs) and report the copy time saved',
            },
            'device-outputs': {
              choices: ['on', 'off', 'auto'] as const,
              default: 'auto' as const,
              describe:
                'Keep module outputs on the device (on), copy them to the host (off), or track a few frames both ways, interleaved, and keep the faster (auto; stacks that cannot keep outputs on a device always copy)',
            },
            'encoder-ahead': {
              type: 'boolean',
              default: false,
              describe:
                "Run image_encoder in a worker thread, one frame ahead: frame t+1 is encoded while frame t's other modules run (isolated runs then follow the timed loop)",
            },
            'memory-early': {
              type: 'boolean',
              default: false,
              describe:
                "With --encoder-ahead: memory_encoder in a worker thread too, started when a frame's mask is chosen (beside the output box and the next frame's start)",
            },
            'merge-decoder': {
              type: 'boolean',
              default: false,
              describe:
                'Merge memory_attention and mask_decoder into one session at load (same stack): one run per tracked frame, the conditioned features stay on the device (their time shows as memory_attention)',
            },
            'layout-in-graph': {
              type: 'boolean',
              default: true,
              describe:
                "memory_attention takes and gives the image maps' layout [1,C,H,W] (a bit-identical edit at load): no host transposes; --no-layout-in-graph runs it as exported",
            },
            ...numberOption(
              'calibration-frames',
              'Frames tracked each way by --device-outputs auto (2 more untimed)',
              { integer: true, min: 1 },
              { default: 10 },
            ),
            variant: {
              type: 'string',
              array: true,
              describe: 'Label of each --models variant, in the same order (default: the folder names)',
            },
            shapes: {
              choices: ['original', 'pinned', 'static'] as const,
              array: true,
              default: ['original' as const],
              describe:
                'Shape variants to run (repeat for several, each a pipeline of the report): original (as exported), pinned (ONNX Runtime freeDimensionOverrides for the full memory bank and one-point decoder), static (graph-surgery specialised graphs for those shapes, and for modules with one shape); other shapes run the exported model',
            },
            images: {
              type: 'string',
              describe: 'Track the frames of this image folder (sorted JPEG/PNG/WebP) instead of a synthetic video',
            },
            prompt: {
              type: 'string',
              describe: 'First-frame box x,y,w,h in pixels for --images (default: first line of groundtruth.txt)',
            },
            'video-size': { type: 'string', default: '1280x720', describe: 'Synthetic video frame size WxH' },
            ...numberOption('seed', 'Seed of the synthetic video and default tracker parameters', SEED_RANGE, {
              default: 0,
            }),
            spinning: {
              type: 'boolean',
              describe:
                'ONNX Runtime intra-op threads spin within each run, stopped when it returns (default on ort-cpu with more than 2 cores; off on GPU stacks); --no-spinning: they sleep between ops',
            },
            ...numberOption(
              'threads',
              'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses on ort-cpu, 1 on GPU stacks)',
              {
                integer: true,
                min: 1,
              },
            ),
            ...graphOptimizationOption,
            ...reportOutputOptions('Write the CSV (one row per stage and per frame summary) to FILE'),
            ...planOption,
          })
          .example('$0 pipeline --models zoo/ --stack ort-cpu', 'the whole loop on the ONNX Runtime CPU provider')
          .example(
            '$0 pipeline --models zoo/ --stack ort-webgpu,mask_decoder=ort-cpu --device-copies -o reports/pipeline.json',
            'a mixed pipeline, with and without host copies between WebGPU modules',
          )
          .example(
            '$0 pipeline --models zoo/ --stack ort-cuda --shapes pinned --encoder-ahead',
            'the next frame encoded in a worker thread beside the current one (throughput per frame)',
          )
          .example(
            '$0 pipeline --models zoo-fused/ --stack ort-cuda --shapes static --encoder-ahead --memory-early --merge-decoder',
            'the fastest loop measured on ort-cuda (132 FPS on the H200): attention + decoder in one session',
          )
          .example(
            '$0 pipeline --models zoo/ --stack ort-cuda --shapes original --shapes pinned --shapes static',
            'the loop as exported, with dims pinned, and with specialised graphs once the memory bank is full',
          )
          .example(
            '$0 pipeline --models zoo/ --variant unbaked --models zoo-baked/ --variant baked --stack ort-cpu --kalman',
            'unbaked against baked models, side by side, with SAMURAI selection',
          ),
        io,
      ),
    async (args) => {
      const size = /^(\d+)x(\d+)$/.exec(args['video-size']);
      if (!size || Number(size[1]) < 16 || Number(size[2]) < 16) {
        throw new UsageError(`--video-size ${args['video-size']}: expected WxH of at least 16x16, e.g. 1280x720`);
      }
      const variants = args.variant ?? args.models.map((m) => basename(resolve(m)));
      if (variants.length !== args.models.length) {
        throw new UsageError(
          `${args.models.length} --models but ${variants.length} --variant`,
          'Give one --variant per --models, in the same order, or none to use the folder names.',
        );
      }
      const files = { out: args.out, csv: args.csv };
      await checkReportFiles(files);
      const [{ ImageFolderVideo }, { SyntheticVideo }, { benchPipeline }, { parseStackSpec }, { formatPipelineTable }] =
        await Promise.all([
          import('../pipeline/image-folder-video.js'),
          import('../pipeline/synthetic-video.js'),
          import('../pipeline/pipeline-report.js'),
          import('../tracker/stack-spec.js'),
          import('../report/console-table.js'),
        ]);
      const video = args.images
        ? await ImageFolderVideo.open(args.images, args.prompt === undefined ? undefined : parseBox(args.prompt))
        : new SyntheticVideo({ width: Number(size[1]), height: Number(size[2]), seed: args.seed });
      const stacks = parseStackSpec(args.stack);
      const report = await benchPipeline({
        ...(args.label === undefined ? {} : { label: args.label }),
        runs: args.models.flatMap((models, i) =>
          args.shapes.map((shapes) => ({
            models,
            shapes,
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
            deviceOutputs: args['device-outputs'],
            calibrationFrames: args['calibration-frames'],
            layoutInGraph: args['layout-in-graph'],
            encoderAhead: args['encoder-ahead'],
            memoryEarly: args['memory-early'],
            mergeDecoder: args['merge-decoder'],
            ...(args.spinning === undefined ? {} : { allowSpinning: args.spinning }),
            ...(args['graph-optimization'] === undefined
              ? {}
              : { graphOptimization: args['graph-optimization'] as GraphOptimization }),
            variant: args.shapes.length > 1 ? `${variants[i]!}/${shapes}` : variants[i]!,
            seed: args.seed,
            ...(args.plan === undefined ? {} : { plan: args.plan }),
            video,
            ...(args.threads === undefined ? {} : { threads: args.threads }),
            onProgress: passProgress(io, args.shapes.length > 1 ? `${variants[i]!}/${shapes}` : variants[i]!),
          })),
        ),
      });
      if (args.json) io.out(JSON.stringify(report, null, 2));
      else {
        io.out(formatPipelineTable(report));
        for (const p of report.pipelines) for (const note of p.notes) io.out(`note: ${note}`);
        for (const u of report.unavailable) io.out(`${u.stack} unavailable: ${u.reason}\n  Note: ${u.remedy}`);
      }
      await writeReportFiles(report, files, io);
      if (report.pipelines.length === 0) setExitCode(ExitCode.Unavailable);
    },
  );
}

/** One progress line per pass of a variant: frames tracked (warm-up included) of the pass's total, with an ETA. */
function passProgress(io: CommandIo, variant: string): (event: PipelineProgress) => void {
  let bar: Progress | undefined;
  return (event) => {
    if (event.kind === 'pass') {
      bar?.finish();
      bar = undefined;
      return;
    }
    const label = `${variant} (${event.keepOnDevice ? 'outputs kept on the device' : 'host copies'}) frames`;
    bar ??= io.progress(label, event.total);
    bar.update(event.done);
    if (event.done === event.total) bar.finish();
  };
}

function parseBox(text: string): Box {
  const v = text.split(',').map(Number);
  if (v.length !== 4 || !v.every(Number.isFinite) || v[2]! <= 0 || v[3]! <= 0) {
    throw new UsageError(`--prompt ${text}: expected x,y,w,h with a positive width and height`);
  }
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}
