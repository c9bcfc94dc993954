import { type CliIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { mergeShardOutputs } from '../run/merge.js';
import { resolveSplit, splitOption } from './options.js';

/** Registers `track-eval merge`. */
export function registerMergeCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'merge <shards..>',
    'Combine the result folders of shard runs (--shard i/n) into one',
    (y) =>
      y
        .positional('shards', { type: 'string', array: true, demandOption: true, describe: 'Shard output folders' })
        .options(outOption('Merged results folder', { demandOption: true }))
        .option('split', {
          ...splitOption,
          describe: `${splitOption.describe} Sequences without a result are reported and the exit code is 1.`,
        })
        .options(jsonOption())
        .example(
          '$0 merge runs/shard-1 runs/shard-2 -o runs/all --split lasot-test',
          'Merge two shards and check coverage',
        ),
    async (args) => {
      const expected = await resolveSplit(args.split);
      const summary = await mergeShardOutputs({ shardDirs: args.shards, outDir: args.out, expected });
      if (summary.missing.length > 0) setExitCode(1);
      if (args.json) {
        io.out(
          JSON.stringify(
            { sequences: summary.sequences, missing: summary.missing, duplicates: summary.duplicates },
            null,
            2,
          ),
        );
        return;
      }
      io.out(`merged ${summary.sequences.length} sequences into ${args.out}`);
      if (summary.duplicates.length > 0) io.out(`identical in several shards: ${summary.duplicates.join(', ')}`);
      if (summary.missing.length > 0)
        io.err(`no result for ${summary.missing.length} sequence(s): ${summary.missing.join(', ')}`);
    },
  );
}
