import { checkOutputLocation } from '@tamkit/common';
import { type CommandIo, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';

/** Registers `track-eval report` (alias `plot`). */
export function registerReportCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    ['report', 'plot'],
    'Write success / precision SVG plots and a markdown summary from one or more score reports',
    (y) =>
      y
        .option('score', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'Score report JSON (from `score --out`); repeat to compare',
        })
        .options(outOption('Output folder', { demandOption: true }))
        .option('title', { type: 'string', default: 'LaSOT', describe: 'Dataset name in titles' })
        .option('note', {
          type: 'string',
          array: true,
          describe: 'Caveat printed at the top of the summary; repeatable',
        })
        .example('$0 report --score fp32.json --score fp16.json -o reports/lasot', 'Two stacks on one plot'),
    async (args) => {
      await checkOutputLocation(args.out, { kind: 'folder', flag: '--out' });
      const [{ readScoreReport }, { writeLasotReport }] = await Promise.all([
        import('../report/score-report.js'),
        import('../report/write-report.js'),
      ]);
      const reports = await Promise.all(args.score.map(readScoreReport));
      const written = await writeLasotReport(reports, { outDir: args.out, title: args.title, notes: args.note });
      for (const path of written) io.out(path);
      io.wrote(args.out, `${written.length} files to`);
    },
  );
}
