import { ExitCode, UsageError } from '@tamkit/common';
import { type CliIo, outOption } from '@tamkit/common/cli';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_ITERATIONS_PER_ROUND, DEFAULT_ROUNDS, type InterleaveProgress } from '../measure/interleave.js';
import { DEFAULT_MAX_DRIFT, type ReportComparison } from '../report/compare.js';
import { compareReportFiles } from '../report/compare-files.js';
import { formatComparisonTable } from '../report/console-table.js';
import { COMPARED_ENVIRONMENT_FIELDS } from '../report/environment-diff.js';
import { DEFAULT_CONFIDENCE, DEFAULT_QUANTILE } from '../report/ratio-interval.js';
import { parseThreshold } from '../report/threshold.js';

interface CompareArgs {
  baseline: string;
  current: string;
  threshold: string;
  confidence: number;
  quantile: number;
  controls: 'auto' | 'none';
  maxDrift: string;
  interleave: boolean;
  rounds: number;
  roundIterations: number;
  noiseK?: number;
  force: boolean;
  out: string;
  name: string;
  json: boolean;
  pairStack: string[];
  pairVariant: string[];
}

/** Parses repeated "BASE=CURRENT" options into a map. */
function parsePairs(values: string[], option: string): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const [from, to, ...rest] = value.split('=');
      if (!from || !to || rest.length > 0) {
        throw new UsageError(
          `--${option} ${value} is not of the form BASELINE=CURRENT.`,
          `Example: --${option} trt-fp32=trt-fp16`,
        );
      }
      return [from, to];
    }),
  );
}

/** The exit code of a comparison: 3 on a regression, 5 when a pair was too noisy to judge, else 0. */
export function comparisonExitCode(comparison: ReportComparison): number {
  if (comparison.outcome === 'regression') return ExitCode.Regression;
  if (comparison.outcome === 'too-noisy') return ExitCode.TooNoisy;
  return ExitCode.Ok;
}

/** Progress of an interleaved run as one line on stderr per round, with an ETA. */
function interleaveProgress(io: CliIo): (event: InterleaveProgress) => void {
  return (event) => {
    if (event.kind === 'pair-ready') {
      io.err(`interleave: opened ${event.key} on both sides (${event.index}/${event.pairs})`);
      return;
    }
    const eta = (event.elapsedMs / event.round) * (event.rounds - event.round);
    io.err(`interleave: round ${event.round}/${event.rounds}, ETA ${(eta / 1000).toFixed(0)} s`);
  };
}

/**
 * `bench compare BASELINE CURRENT`: exits 3 (ExitCode.Regression) on a regression, 5 (ExitCode.TooNoisy) when no
 * regression was found but a pair was too noisy to judge.
 */
export function compareCommand(io: CliIo, setExitCode: (code: number) => void): CommandModule<object, CompareArgs> {
  return {
    command: 'compare <baseline> <current>',
    describe:
      'Compare two bench JSON reports; write a markdown report and a chart (SVG, PNG); exit 3 on a regression, 5 when too noisy to judge',
    builder: (yargs: Argv) =>
      yargs
        .positional('baseline', { type: 'string', demandOption: true, describe: 'Baseline report (bench --json)' })
        .positional('current', { type: 'string', demandOption: true, describe: 'Current report (bench --json)' })
        .option('threshold', {
          type: 'string',
          default: '5%',
          describe: 'Minimum effect: a change smaller than this never counts (5% or 0.05)',
        })
        .option('confidence', {
          type: 'number',
          default: DEFAULT_CONFIDENCE,
          describe: 'Confidence of the whole comparison (split among the pairs judged, Bonferroni)',
        })
        .option('quantile', {
          type: 'number',
          default: DEFAULT_QUANTILE,
          describe: 'The quantile of the samples compared (0.25: lower quartile, which load barely moves; 0.5: median)',
        })
        .option('controls', {
          choices: ['auto', 'none'] as const,
          default: 'auto' as const,
          describe:
            'auto: modules with identical model bytes, stack and options on both sides measure the drift between ' +
            'the runs; none: judge every module (when the software changed around identical models)',
        })
        .option('max-drift', {
          type: 'string',
          default: `${DEFAULT_MAX_DRIFT * 100}%`,
          describe: 'Refuse every verdict (too noisy) when a control moved by more than this',
        })
        .option('interleave', {
          type: 'boolean',
          default: false,
          describe: "Measure both reports' models again, alternating sides round by round, and judge those samples",
        })
        .option('rounds', { type: 'number', default: DEFAULT_ROUNDS, describe: 'Rounds of --interleave' })
        .option('round-iterations', {
          type: 'number',
          default: DEFAULT_ITERATIONS_PER_ROUND,
          describe: 'Timed runs per module and side in each round of --interleave',
        })
        .option('noise-k', { type: 'number', hidden: true })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: `Compare even if the environments differ (${COMPARED_ENVIRONMENT_FIELDS.join(', ')})`,
        })
        .options(outOption('Directory for the markdown report and the chart (SVG, PNG)', { default: 'reports' }))
        .option('name', { type: 'string', default: 'compare', describe: 'Base name of the written files' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON, not a table' })
        .option('pair-stack', {
          type: 'string',
          array: true,
          nargs: 1,
          default: [],
          describe: 'Compare a baseline stack with a differently named current stack (BASELINE=CURRENT)',
        })
        .option('pair-variant', {
          type: 'string',
          array: true,
          nargs: 1,
          default: [],
          describe: 'Compare a baseline pipeline variant with another current variant (BASELINE=CURRENT)',
        })
        .example('$0 compare reports/baselines/linux-x64.json out/bench.json', 'Fail (exit 3) on a regression')
        .example(
          '$0 compare unbaked.json baked.json --interleave --rounds 12',
          'Both sides measured again, alternating',
        )
        .example('$0 compare base.json cur.json --threshold 2% --out ci-reports', 'Stricter threshold, other folder')
        .example('$0 compare fp32.json fp16.json --pair-stack trt-fp32=trt-fp16', 'FP16 against FP32')
        .example(
          '$0 compare unbaked.json baked.json --pair-variant unbaked=baked',
          'Baked against unbaked zoo',
        ) as unknown as Argv<CompareArgs>,
    handler: async (args: ArgumentsCamelCase<CompareArgs>) => {
      if (args.noiseK !== undefined) {
        throw new UsageError(
          '--noise-k was removed: verdicts now come from a bootstrap interval of the ratio of medians, widened by ' +
            'the drift that control modules measure.',
          'Drop --noise-k; --threshold sets the minimum effect and --confidence the interval (see bench compare --help).',
        );
      }
      for (const [option, value, example] of [
        ['confidence', args.confidence, '0.99'],
        ['quantile', args.quantile, '0.25'],
      ] as const) {
        if (!(value > 0 && value < 1)) {
          throw new UsageError(`--${option} ${value} is not between 0 and 1.`, `Example: --${option} ${example}`);
        }
      }
      for (const [option, value] of [
        ['rounds', args.rounds],
        ['round-iterations', args.roundIterations],
      ] as const) {
        if (!(Number.isInteger(value) && value > 0)) {
          throw new UsageError(`--${option} ${value} is not a positive integer.`, `Example: --${option} 10`);
        }
      }
      const result = await compareReportFiles({
        baselinePath: args.baseline,
        currentPath: args.current,
        threshold: parseThreshold(args.threshold),
        confidence: args.confidence,
        quantile: args.quantile,
        controls: args.controls,
        maxDrift: parseThreshold(args.maxDrift, 'max-drift'),
        ...(args.interleave
          ? {
              interleave: {
                rounds: args.rounds,
                iterationsPerRound: args.roundIterations,
                onProgress: interleaveProgress(io),
              },
            }
          : {}),
        force: args.force,
        outDir: args.out,
        name: args.name,
        pairStacks: parsePairs(args.pairStack, 'pair-stack'),
        pairVariants: parsePairs(args.pairVariant, 'pair-variant'),
      });
      if (args.json) {
        io.out(
          JSON.stringify(
            {
              ...result.comparison,
              markdownPath: result.markdownPath,
              svgPath: result.svgPath,
              pngPath: result.pngPath,
            },
            null,
            2,
          ),
        );
      } else {
        io.out(formatComparisonTable(result.comparison));
        io.out(`wrote ${result.markdownPath}, ${result.svgPath} and ${result.pngPath}`);
      }
      setExitCode(comparisonExitCode(result.comparison));
    },
  };
}
