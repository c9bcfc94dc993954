import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tamkit/common';
import { type CliIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { parseAttributeTable } from '../lasot/attributes.js';
import type { Convention } from '../metrics/convention.js';
import type { LasotScoreReport } from '../report/score-report.js';
import { scoreResults } from '../run/score-results.js';
import { conventionOption, resolveSplit, splitOption } from './options.js';
import { createProgressBar } from './progress.js';

function pct(value: number | null): string {
  return value === null ? '  n/a' : (value * 100).toFixed(1).padStart(5);
}

/** The text `track-eval score` prints without --json. */
export function formatScoreText(report: LasotScoreReport): string {
  const lines = [
    `${report.label}: ${report.sequences} sequences, ${report.convention} convention`,
    `  AUC ${pct(report.auc)}   P@20px ${pct(report.precision)}   P_norm@0.2 ${pct(report.normalizedPrecision)}   mIoU ${pct(report.miou)}`,
  ];
  for (const a of report.attributes) {
    lines.push(
      `  ${a.attribute.padEnd(16)} (${String(a.sequences).padStart(3)} seq)  AUC ${pct(a.auc)}  P ${pct(a.precision)}`,
    );
  }
  if (report.missing.length > 0) lines.push(`  missing results: ${report.missing.join(', ')}`);
  return lines.join('\n');
}

/** Registers `track-eval score`. */
export function registerScoreCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'score',
    'Score LaSOT result files (<sequence>.txt) of any tracker against the ground truth',
    (y) =>
      y
        .option('gt', {
          type: 'string',
          demandOption: true,
          describe: 'LaSOT root holding <class>/<class>-<n>/groundtruth.txt',
        })
        .option('results', { type: 'string', demandOption: true, describe: 'Folder of <sequence>.txt result files' })
        .option('split', splitOption)
        .option('convention', conventionOption)
        .option('attributes', {
          type: 'string',
          describe: 'Sequence attribute table: header "sequence,<attr>,..." then 0/1 rows',
        })
        .option('absent', {
          type: 'string',
          describe:
            'Folder of <sequence>.txt absent flags (the official toolkit annos/absent); default: full_occlusion | out_of_view',
        })
        .option('skip-missing', {
          type: 'boolean',
          default: false,
          describe: 'Score the sequences that have results; list the rest as missing',
        })
        .option('label', { type: 'string', describe: 'Tracker name in reports (default: the results folder)' })
        .options(outOption('Also write the JSON report to this file'))
        .options(jsonOption())
        .example('$0 score --gt data/LaSOT --results runs/fp16 --split lasot-test', 'Score the official test split')
        .example(
          '$0 score --gt synth --results runs/a --convention pytracking --json',
          'pytracking rules, JSON on stdout',
        ),
    async (args) => {
      const split = await resolveSplit(args.split);
      const attributes = args.attributes
        ? parseAttributeTable(await readFile(args.attributes, 'utf8'), args.attributes)
        : undefined;
      const progress = args.json ? undefined : createProgressBar(io, 'scoring');
      const report = await scoreResults({
        groundTruthRoot: args.gt,
        resultsDir: args.results,
        split,
        splitName: args.split,
        convention: args.convention as Convention,
        attributes,
        absentDir: args.absent,
        missingResults: args['skip-missing'] ? 'skip' : 'error',
        label: args.label,
        onProgress: progress ? (done, total) => progress(done, total) : undefined,
      });
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (args.out) await writeFileAtomic(args.out, json);
      io.out(args.json ? json : formatScoreText(report));
    },
  );
}
