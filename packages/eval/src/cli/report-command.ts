import { type CliIo, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { readScoreReport } from '../report/score-report.js';
import { writeLasotReport } from '../report/write-report.js';

/** Registers `track-eval report` (alias `plot`). */
export function registerReportCommand(cli: Argv, io: CliIo): Argv {
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
      const reports = await Promise.all(args.score.map(readScoreReport));
      const written = await writeLasotReport(reports, { outDir: args.out, title: args.title, notes: args.note });
      for (const path of written) io.out(path);
    },
  );
}
