import { checkOutputLocation } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { resolveSplit, splitOption } from './options.js';

/** Registers `track-eval merge`. */
export function registerMergeCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'merge <shards..>',
    'Combine the result folders of shard runs (--shard i/n or auto) into one; an incomplete set is refused with the commands that rerun the missing shards',
    (y) =>
      y
        .positional('shards', { type: 'string', array: true, demandOption: true, describe: 'Shard output folders' })
        .options(outOption('Merged results folder', { demandOption: true }))
        .option('split', {
          ...splitOption,
          describe: `${splitOption.describe} A split sequence without a result makes the merge incomplete.`,
        })
        .option('allow-incomplete', {
          type: 'boolean',
          default: false,
          describe: 'Merge even with a shard of the set or a split sequence missing (each is listed as a warning)',
        })
        .options(jsonOption())
        .example(
          '$0 merge runs/shard-1 runs/shard-2 -o runs/all --split lasot-test',
          'Merge two shards and check that they cover the test split',
        )
        .example(
          '$0 merge runs/trt-fp16 -o runs/trt-fp16-all',
          'Merge the shards of a Slurm array that shared one folder',
        ),
    async (args) => {
      await checkOutputLocation(args.out, { kind: 'folder', flag: '--out' });
      const { mergeShardOutputs } = await import('../run/merge.js');
      const expected = await resolveSplit(args.split);
      const summary = await mergeShardOutputs({
        shardDirs: args.shards,
        outDir: args.out,
        expected,
        allowIncomplete: args['allow-incomplete'],
      });
      if (args.json) {
        const { manifest: _manifest, ...rest } = summary;
        io.out(JSON.stringify(rest, null, 2));
      } else io.out(`merged ${summary.sequences.length} sequences into ${args.out}`);
      if (summary.duplicates.length > 0) io.info(`identical in several shards: ${summary.duplicates.join(', ')}`);
      if (summary.missingShards.length > 0)
        io.warn(`shard(s) ${summary.missingShards.join(', ')} of the set were not merged (--allow-incomplete)`);
      if (summary.incompleteShards.length > 0)
        io.warn(`shard(s) ${summary.incompleteShards.join(', ')} did not finish every sequence (--allow-incomplete)`);
      if (summary.rerun) {
        io.info(`rerun just those:\n${summary.rerun.commands.map((c) => `  ${c}`).join('\n')}`);
        if (summary.rerun.sbatch) io.info(`or, under Slurm: ${summary.rerun.sbatch}`);
      }
      if (summary.missing.length > 0)
        io.warn(`no result for ${summary.missing.length} sequence(s): ${summary.missing.join(', ')}`);
      if (summary.withoutManifest.length > 0)
        io.warn(
          `${summary.withoutManifest.length} folder(s) have no run manifest, so their shard is unknown: ${summary.withoutManifest.join(', ')}`,
        );
      io.wrote(args.out, `${summary.sequences.length} result file(s) and run.json to`);
    },
  );
}
