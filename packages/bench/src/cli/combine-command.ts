import { checkOutputLocation, UsageError, writeFileAtomic } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';

/** `bench combine A.json B.json ...`: several runners' reports side by side (no verdict, so no environment check). */
export function registerCombineCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'combine <reports..>',
    "Put reports from several runners (GPU kinds, machines) side by side: one table per stack and module, with each runner's environment",
    (y) =>
      y
        .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'bench run -o reports' })
        .option('label', {
          type: 'string',
          array: true,
          describe: 'Column name of each report, in order (default: its label, GPU name or host name)',
        })
        .options(outOption('Write the combined JSON here'))
        .option('markdown', { type: 'string', describe: 'Write a markdown report here' })
        .option('csv', { type: 'string', describe: 'Write a long-format CSV here (one row per runner and module)' })
        .options(jsonOption('Print the combined JSON'))
        .example(
          '$0 combine h200.json l40s.json a10g.json --markdown gpus.md',
          'Which GPU: three runners side by side',
        ),
    async (args) => {
      const labels = args.label ?? [];
      if (labels.length > args.reports.length) {
        throw new UsageError(
          `${labels.length} --label values for ${args.reports.length} reports.`,
          'Give at most one --label per report, in order.',
        );
      }
      for (const [path, flag] of [
        [args.out, '--out'],
        [args.markdown, '--markdown'],
        [args.csv, '--csv'],
      ] as const) {
        if (path !== undefined) await checkOutputLocation(path, { flag });
      }
      const [{ readBenchReport }, { combineReports }, format] = await Promise.all([
        import('../report/read-report.js'),
        import('../report/combine.js'),
        import('../report/combine-format.js'),
      ]);
      const inputs = await Promise.all(
        args.reports.map(async (source, i) => ({
          report: await readBenchReport(source),
          source,
          ...(labels[i] === undefined ? {} : { label: labels[i] }),
        })),
      );
      const combined = combineReports(inputs);
      const json = `${JSON.stringify(combined, null, 2)}\n`;
      io.out(args.json ? json : format.formatCombinedTable(combined));
      if (args.out !== undefined) {
        await writeFileAtomic(args.out, json);
        io.wrote(args.out, 'the combined report');
      }
      if (args.markdown !== undefined) {
        await writeFileAtomic(args.markdown, format.combinedToMarkdown(combined));
        io.wrote(args.markdown, 'the markdown report');
      }
      if (args.csv !== undefined) {
        await writeFileAtomic(args.csv, format.combinedToCsv(combined));
        io.wrote(args.csv, 'the CSV');
      }
    },
  );
}
