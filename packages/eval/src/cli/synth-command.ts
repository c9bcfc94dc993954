import { checkOutputLocation, UsageError } from '@tamkit/common';
import {
  type CommandIo,
  jsonOption,
  numberOption,
  outOption,
  SEED_RANGE,
  withDeprecatedFlags,
} from '@tamkit/common/cli';
import type { Argv } from 'yargs';

/** Parses --video-size WxH (each side at least 16 px). */
function parseVideoSize(text: string): { width: number; height: number } {
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[1]) < 16 || Number(m[2]) < 16) {
    throw new UsageError(`--video-size ${text}: expected WxH with both sides >= 16, e.g. 320x240`);
  }
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Registers `track-eval synth`. */
export function registerSynthCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'synth',
    'Write synthetic LaSOT-format sequences (moving, scaling, occluded textured object; exact boxes)',
    (y) =>
      withDeprecatedFlags(
        y
          .options(outOption('Output LaSOT root', { demandOption: true }))
          .options(numberOption('count', 'Number of sequences', { integer: true, min: 1 }, { default: 2 }))
          .options(numberOption('frames', 'Frames per sequence', { integer: true, min: 1 }, { default: 60 }))
          .options(numberOption('seed', 'Seed: the same seed writes the same sequences', SEED_RANGE, { default: 1 }))
          .option('video-size', { type: 'string', default: '320x240', describe: 'Frame size WxH (px)' })
          .option('overwrite', { type: 'boolean', default: false, describe: 'Replace sequences that already exist' })
          .options(jsonOption())
          .example('$0 synth -o demo-out/synth --count 3 --frames 120 --seed 7', 'Three 120-frame sequences'),
        io,
        [
          {
            flag: 'sequences',
            replacement: 'count',
            option: numberOption('sequences', 'Number of sequences', { integer: true, min: 1 }).sequences,
          },
          // --width and --height became one --video-size WxH; either old flag keeps the other side's default.
          {
            flag: 'width',
            replacement: 'video-size',
            option: numberOption('width', 'Frame width', { integer: true, min: 16 }).width,
            convert: (w, argv) => `${w}x${argv.height ?? 240}`,
            hint: '--video-size WxH',
          },
          {
            flag: 'height',
            replacement: 'video-size',
            option: numberOption('height', 'Frame height', { integer: true, min: 16 }).height,
            convert: (h, argv) => `${String(argv['video-size'] ?? '320x240').split('x')[0]}x${h}`,
            hint: '--video-size WxH',
          },
        ],
      ),
    async (args) => {
      const { width, height } = parseVideoSize(args['video-size']);
      await checkOutputLocation(args.out, { kind: 'folder', flag: '--out' });
      const { generateSyntheticDataset } = await import('../synth/generate.js');
      const progress = io.progress('synth', args.count);
      const summary = await generateSyntheticDataset({
        outDir: args.out,
        sequences: args.count,
        frames: args.frames,
        seed: args.seed,
        width,
        height,
        overwrite: args.overwrite,
        onSequence: (done) => progress.update(done),
      });
      progress.finish();
      if (args.json) io.out(JSON.stringify(summary, null, 2));
      else {
        for (const s of summary) {
          io.out(
            `${s.dir}: ${s.frames} frames, ${s.fullOcclusionFrames} fully occluded, ${s.outOfViewFrames} out of view`,
          );
        }
      }
      io.wrote(args.out, `${summary.length} sequence(s) of ${args.frames} frames to`);
    },
  );
}
