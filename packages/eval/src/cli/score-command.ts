import { readFile } from 'node:fs/promises';
import { checkOutputLocation } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption, withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { Convention } from '../metrics/convention.js';
import type { LasotScoreReport } from '../report/score-report.js';
import { conventionOption, emitReport, resolveSplit, rootOption, splitOption } from './options.js';

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

/** Prints what scoring left out as counted warnings: nothing is dropped without a word. */
export function warnLeftOut(report: LasotScoreReport, io: CommandIo): void {
  const list = (names: readonly string[]) => names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '');
  const left = report.leftOut;
  if (left?.withoutGroundTruth.length) {
    io.warn(
      `${left.withoutGroundTruth.length} sequence folder(s) without groundtruth.txt were not scored: ${list(left.withoutGroundTruth)}`,
    );
  }
  if (left?.resultsWithoutSequence.length) {
    io.warn(
      `${left.resultsWithoutSequence.length} result file(s) name no sequence of the dataset: ${list(left.resultsWithoutSequence)}`,
    );
  }
  if (report.missing.length > 0)
    io.warn(`${report.missing.length} sequence(s) have no result: ${list(report.missing)}`);
}

/** Registers `track-eval score`. */
export function registerScoreCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'score',
    'Score LaSOT result files (<sequence>.txt) of any tracker against the ground truth',
    (y) =>
      withDeprecatedFlags(
        y
          .option('root', rootOption)
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
            describe: 'Score the sequences that have results; list (and warn about) the rest as missing',
          })
          .option('label', { type: 'string', describe: 'Tracker name in reports (default: the results folder)' })
          .options(outOption('Also write the JSON report to this file'))
          .options(jsonOption())
          .example('$0 score --root data/LaSOT --results runs/fp16 --split lasot-test', 'Score the official test split')
          .example(
            '$0 score --root synth --results runs/a --convention pytracking --json',
            'pytracking rules, JSON on stdout',
          ),
        io,
        [{ flag: 'gt', replacement: 'root' }],
      ),
    async (args) => {
      if (args.out) await checkOutputLocation(args.out, { flag: '--out' });
      const [{ parseAttributeTable }, { scoreResults }] = await Promise.all([
        import('../lasot/attributes.js'),
        import('../run/score-results.js'),
      ]);
      const split = await resolveSplit(args.split);
      const attributes = args.attributes
        ? parseAttributeTable(await readFile(args.attributes, 'utf8'), args.attributes)
        : undefined;
      let progress: ReturnType<CommandIo['progress']> | undefined;
      const report = await scoreResults({
        groundTruthRoot: args.root,
        resultsDir: args.results,
        split,
        splitName: args.split,
        convention: args.convention as Convention,
        attributes,
        absentDir: args.absent,
        missingResults: args['skip-missing'] ? 'skip' : 'error',
        label: args.label,
        onProgress: (done, total) => {
          progress ??= io.progress('scoring', total);
          progress.update(done);
        },
      });
      progress?.finish();
      await emitReport(io, args, report, formatScoreText(report), 'the score report');
      warnLeftOut(report, io);
    },
  );
}
