import { checkOutputLocation, ExitCode, UsageError } from '@tamkit/common';
import { type CommandIo, jsonOption, numberOption, outOption, type Progress } from '@tamkit/common/cli';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_ITERATIONS_PER_ROUND, DEFAULT_ROUNDS, type InterleaveProgress } from '../measure/interleave.js';
import { DEFAULT_MAX_DRIFT, type ReportComparison } from '../report/compare.js';
import { COMPARED_ENVIRONMENT_FIELDS } from '../report/environment-diff.js';
import { DEFAULT_CONFIDENCE, DEFAULT_QUANTILE } from '../report/ratio-interval.js';

interface CompareArgs {
  baseline: string;
  current?: string;
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
  pairShapes: string[];
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

/** `--pair-shapes original=static`: pairs of shape variants, each side one of SHAPE_VARIANTS. */
function parseShapePairs(values: string[]): Record<string, string> {
  const pairs = parsePairs(values, 'pair-shapes');
  const known = ['original', 'pinned', 'static'];
  for (const [from, to] of Object.entries(pairs)) {
    const bad = [from, to].find((v) => !known.includes(v));
    if (bad !== undefined) {
      throw new UsageError(
        `--pair-shapes ${from}=${to}: "${bad}" is no shape variant.`,
        'Shape variants: original, pinned, static (e.g. --pair-shapes original=static).',
      );
    }
  }
  return pairs;
}

/** The exit code of a comparison: 3 on a regression, 5 when a pair was too noisy to judge, else 0. */
export function comparisonExitCode(comparison: ReportComparison): number {
  if (comparison.outcome === 'regression') return ExitCode.Regression;
  if (comparison.outcome === 'too-noisy') return ExitCode.TooNoisy;
  return ExitCode.Ok;
}

/** Progress of an interleaved run: the pairs opened, then rounds as `k/N` with an ETA. */
function interleaveProgress(io: CommandIo): (event: InterleaveProgress) => void {
  let rounds: Progress | undefined;
  return (event) => {
    if (event.kind === 'pair-ready') {
      io.info(`interleave: opened ${event.key} on both sides (${event.index}/${event.pairs})`);
      return;
    }
    rounds ??= io.progress('interleave rounds', event.rounds);
    rounds.update(event.round);
    if (event.round === event.rounds) rounds.finish();
  };
}

/**
 * `bench compare BASELINE CURRENT`: exits 3 (ExitCode.Regression) on a regression, 5 (ExitCode.TooNoisy) when no
 * regression was found but a pair was too noisy to judge.
 */
export function compareCommand(io: CommandIo, setExitCode: (code: number) => void): CommandModule<object, CompareArgs> {
  return {
    command: 'compare <baseline> [current]',
    describe:
      'Compare two bench JSON reports (or the shape variants within one); write a markdown report and a chart (SVG, PNG); exit 3 on a regression, 5 when too noisy to judge',
    builder: (yargs: Argv) =>
      yargs
        .positional('baseline', { type: 'string', demandOption: true, describe: 'Baseline report (bench -o)' })
        .positional('current', {
          type: 'string',
          describe:
            'Current report (bench -o); left out: the shape variants of the baseline report (bench run --shapes ...), each against its original',
        })
        .option('threshold', {
          type: 'string',
          // nargs 1: "--threshold -5%" reaches the validator instead of being read as the flags -5 and -%.
          nargs: 1,
          default: '5%',
          describe: 'Minimum effect: a change smaller than this never counts (5% or 0.05)',
        })
        .options(
          numberOption(
            'confidence',
            'Confidence of the whole comparison (split among the pairs judged, Bonferroni)',
            { above: 0, below: 1, remedy: 'Example: --confidence 0.99' },
            { default: DEFAULT_CONFIDENCE },
          ),
        )
        .options(
          numberOption(
            'quantile',
            'The quantile of the samples compared (0.25: lower quartile, which load barely moves; 0.5: median)',
            { above: 0, below: 1, remedy: 'Example: --quantile 0.25' },
            { default: DEFAULT_QUANTILE },
          ),
        )
        .option('controls', {
          choices: ['auto', 'none'] as const,
          default: 'auto' as const,
          describe:
            'auto: modules with identical model bytes, stack and options on both sides measure the drift between ' +
            'the runs; none: judge every module (when the software changed around identical models)',
        })
        .option('max-drift', {
          type: 'string',
          nargs: 1,
          default: `${DEFAULT_MAX_DRIFT * 100}%`,
          describe: 'Refuse every verdict (too noisy) when a control moved by more than this',
        })
        .option('interleave', {
          type: 'boolean',
          default: false,
          describe: "Measure both reports' models again, alternating sides round by round, and judge those samples",
        })
        .options(
          numberOption('rounds', 'Rounds of --interleave', { integer: true, min: 1 }, { default: DEFAULT_ROUNDS }),
        )
        .options(
          numberOption(
            'round-iterations',
            'Timed runs per module and side in each round of --interleave',
            { integer: true, min: 1 },
            { default: DEFAULT_ITERATIONS_PER_ROUND },
          ),
        )
        .option('noise-k', { type: 'number', hidden: true })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: `Compare even if the environments differ (${COMPARED_ENVIRONMENT_FIELDS.join(', ')})`,
        })
        .options(outOption('Directory for the markdown report and the chart (SVG, PNG)', { default: 'reports' }))
        .option('name', { type: 'string', default: 'compare', describe: 'Base name of the written files' })
        .options(jsonOption('Print the comparison as JSON, not a table'))
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
        .option('pair-shapes', {
          type: 'string',
          array: true,
          nargs: 1,
          default: [],
          describe:
            'Compare a baseline shape variant with another current one (BASELINE=CURRENT, e.g. original=static); by default the same variant pairs up',
        })
        .example('$0 compare reports/baselines/linux-x64.json out/bench.json', 'Fail (exit 3) on a regression')
        .example(
          '$0 compare shapes.json',
          'Each shape variant of one `bench run --shapes original --shapes static` against the original',
        )
        .example('$0 compare original.json static.json', 'A --shapes original run against a --shapes static run')
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
      const [{ compareReportFiles }, { formatComparisonTable }, { parseThreshold }] = await Promise.all([
        import('../report/compare-files.js'),
        import('../report/console-table.js'),
        import('../report/threshold.js'),
      ]);
      const threshold = parseThreshold(args.threshold);
      const maxDrift = parseThreshold(args.maxDrift, 'max-drift');
      // An interleaved comparison measures for minutes: the report folder must be writable first.
      await checkOutputLocation(args.out, { kind: 'folder', flag: '--out' });
      const result = await compareReportFiles({
        baselinePath: args.baseline,
        ...(args.current === undefined ? {} : { currentPath: args.current }),
        threshold,
        confidence: args.confidence,
        quantile: args.quantile,
        controls: args.controls,
        maxDrift,
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
        ...(args.pairShapes.length === 0 ? {} : { pairShapes: parseShapePairs(args.pairShapes) }),
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
      } else io.out(formatComparisonTable(result.comparison));
      io.wrote(result.markdownPath, 'the report');
      io.wrote(result.svgPath, 'the chart');
      io.wrote(result.pngPath, 'the chart as PNG');
      setExitCode(comparisonExitCode(result.comparison));
    },
  };
}
