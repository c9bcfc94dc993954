import { ExitCode, UsageError } from '@tamkit/common';
import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { listCache, pruneCache, verifyCache } from '../cache/maintenance.js';
import { defaultCacheDir, textTable, withCacheOption } from './options.js';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

export function registerCacheCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command('cache', 'List, verify and prune the engine cache', (y) =>
    y
      .command(
        'ls',
        'List cached engines',
        (c) =>
          withCacheOption(c)
            .options(jsonOption())
            .example('$0 cache ls --cache ./engines', 'List the entries of ./engines'),
        async (argv) => {
          const entries = await listCache(argv.cache ?? defaultCacheDir());
          if (argv.json) {
            io.out(
              JSON.stringify(
                entries.map((e) => ({
                  key: e.key,
                  dir: e.dir,
                  bytes: e.bytes,
                  modifiedAt: e.modifiedAt,
                  error: e.error,
                  manifest: e.manifest,
                })),
                null,
                2,
              ),
            );
            return;
          }
          const rows = entries.map((e) => [
            e.key.slice(0, 12),
            e.manifest ? e.manifest.model.path : `(broken: ${e.error})`,
            e.manifest
              ? `${e.manifest.plan.defaultPrecision}${e.manifest.resolvedPlan.fp32Nodes.length ? `+${e.manifest.resolvedPlan.fp32Nodes.length} fp32` : ''}`
              : '',
            e.manifest ? `${e.manifest.keyMaterial.trtVersion} ${e.manifest.keyMaterial.gpu.name}` : '',
            mib(e.bytes),
            e.modifiedAt.toISOString(),
          ]);
          io.out(
            rows.length === 0
              ? 'The cache is empty.'
              : textTable(['key', 'model', 'precision', 'tensorrt / gpu', 'size', 'modified'], rows),
          );
        },
      )
      .command(
        'verify',
        'Check every entry (manifest, key, engine checksum); exit 1 if any is broken',
        (c) => withCacheOption(c).options(jsonOption()).example('$0 cache verify', 'Verify the default cache'),
        async (argv) => {
          const results = await verifyCache(argv.cache ?? defaultCacheDir());
          if (argv.json) io.out(JSON.stringify(results, null, 2));
          else {
            for (const r of results)
              io.out(`${r.ok ? 'ok     ' : 'BROKEN '} ${r.key}${r.ok ? '' : `: ${r.problems.join('; ')}`}`);
            io.out(`${results.filter((r) => r.ok).length} of ${results.length} entries ok`);
          }
          if (results.some((r) => !r.ok)) setExitCode(ExitCode.Failure);
        },
      )
      .command(
        'prune',
        'Remove entries by age, count or health',
        (c) =>
          withCacheOption(c)
            .options(jsonOption())
            .option('older-than', { type: 'number', describe: 'Remove entries older than this many days' })
            .option('keep', { type: 'number', describe: 'Keep only the newest N entries' })
            .option('corrupt', { type: 'boolean', default: false, describe: 'Remove entries that fail verification' })
            .option('all', { type: 'boolean', default: false, describe: 'Remove every entry' })
            .option('dry-run', { type: 'boolean', default: false, describe: 'Show what would be removed' })
            .example('$0 cache prune --older-than 30', 'Drop engines not rebuilt for a month')
            .example('$0 cache prune --corrupt --dry-run', 'Show broken entries'),
        async (argv) => {
          if (argv.olderThan === undefined && argv.keep === undefined && !argv.corrupt && !argv.all) {
            throw new UsageError('Say what to prune: --older-than DAYS, --keep N, --corrupt or --all.');
          }
          const result = await pruneCache(argv.cache ?? defaultCacheDir(), {
            ...(argv.olderThan !== undefined ? { olderThanDays: argv.olderThan } : {}),
            ...(argv.keep !== undefined ? { keepNewest: argv.keep } : {}),
            corrupt: argv.corrupt,
            all: argv.all,
            dryRun: argv.dryRun,
          });
          if (argv.json) io.out(JSON.stringify({ dryRun: argv.dryRun, ...result }, null, 2));
          else {
            const verb = argv.dryRun ? 'would remove' : 'removed';
            for (const key of result.removed) io.out(`${verb} ${key}`);
            io.out(
              `${verb} ${result.removed.length} entr${result.removed.length === 1 ? 'y' : 'ies'} and ${result.staging.length} stale staging dir(s)`,
            );
          }
        },
      )
      .demandCommand(1, 'Name a cache command: ls, verify or prune.'),
  );
}
