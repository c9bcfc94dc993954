import { type CliIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { generateSyntheticDataset } from '../synth/generate.js';

/** Registers `track-eval synth`. */
export function registerSynthCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'synth',
    'Write synthetic LaSOT-format sequences (moving, scaling, occluded textured object; exact boxes)',
    (y) =>
      y
        .options(outOption('Output LaSOT root', { demandOption: true }))
        .option('sequences', { type: 'number', default: 2, describe: 'Number of sequences' })
        .option('frames', { type: 'number', default: 60, describe: 'Frames per sequence' })
        .option('seed', { type: 'number', default: 1, describe: 'Seed: the same seed writes the same sequences' })
        .option('width', { type: 'number', default: 320, describe: 'Frame width (px)' })
        .option('height', { type: 'number', default: 240, describe: 'Frame height (px)' })
        .option('overwrite', { type: 'boolean', default: false, describe: 'Replace sequences that already exist' })
        .options(jsonOption())
        .example('$0 synth -o demo-out/synth --sequences 3 --frames 120 --seed 7', 'Three 120-frame sequences'),
    async (args) => {
      const summary = await generateSyntheticDataset({
        outDir: args.out,
        sequences: args.sequences,
        frames: args.frames,
        seed: args.seed,
        width: args.width,
        height: args.height,
        overwrite: args.overwrite,
      });
      if (args.json) {
        io.out(JSON.stringify(summary, null, 2));
        return;
      }
      for (const s of summary) {
        io.out(
          `${s.dir}: ${s.frames} frames, ${s.fullOcclusionFrames} fully occluded, ${s.outOfViewFrames} out of view`,
        );
      }
    },
  );
}
