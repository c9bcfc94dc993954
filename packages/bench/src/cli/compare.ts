import { ExitCode, UsageError } from '@tamkit/common';
import { type CliIo, outOption } from '@tamkit/common/cli';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_NOISE_K } from '../report/compare.js';
import { compareReportFiles } from '../report/compare-files.js';
import { formatComparisonTable } from '../report/console-table.js';
import { COMPARED_ENVIRONMENT_FIELDS } from '../report/environment-diff.js';
import { parseThreshold } from '../report/threshold.js';

interface CompareArgs {
  baseline: string;
  current: string;
  threshold: string;
  noiseK: number;
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

/** `bench compare BASELINE CURRENT`: exits 3 (ExitCode.Regression) when a regression beyond noise is found. */
export function compareCommand(io: CliIo, setExitCode: (code: number) => void): CommandModule<object, CompareArgs> {
  return {
    command: 'compare <baseline> <current>',
    describe: 'Compare two bench JSON reports; write a markdown report and an SVG chart; exit 3 on regression',
    builder: (yargs: Argv) =>
      yargs
        .positional('baseline', { type: 'string', demandOption: true, describe: 'Baseline report (bench --json)' })
        .positional('current', { type: 'string', demandOption: true, describe: 'Current report (bench --json)' })
        .option('threshold', {
          type: 'string',
          default: '5%',
          describe: 'Relative change that never counts, as 5% or 0.05',
        })
        .option('noise-k', {
          type: 'number',
          default: DEFAULT_NOISE_K,
          describe: 'A change must also exceed k x the pooled standard deviation of both runs',
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: `Compare even if the environments differ (${COMPARED_ENVIRONMENT_FIELDS.join(', ')})`,
        })
        .options(outOption('Directory for the markdown and SVG files', { default: 'reports' }))
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
        .example('$0 compare base.json cur.json --threshold 2% --out ci-reports', 'Stricter threshold, other folder')
        .example('$0 compare fp32.json fp16.json --pair-stack trt-fp32=trt-fp16', 'FP16 against FP32')
        .example(
          '$0 compare unbaked.json baked.json --pair-variant unbaked=baked',
          'Baked against unbaked zoo',
        ) as unknown as Argv<CompareArgs>,
    handler: async (args: ArgumentsCamelCase<CompareArgs>) => {
      const result = await compareReportFiles({
        baselinePath: args.baseline,
        currentPath: args.current,
        threshold: parseThreshold(args.threshold),
        noiseK: args.noiseK,
        force: args.force,
        outDir: args.out,
        name: args.name,
        pairStacks: parsePairs(args.pairStack, 'pair-stack'),
        pairVariants: parsePairs(args.pairVariant, 'pair-variant'),
      });
      if (args.json) {
        io.out(
          JSON.stringify({ ...result.comparison, markdownPath: result.markdownPath, svgPath: result.svgPath }, null, 2),
        );
      } else {
        io.out(formatComparisonTable(result.comparison));
        io.out(`wrote ${result.markdownPath} and ${result.svgPath}`);
      }
      if (result.comparison.hasRegression) setExitCode(ExitCode.Regression);
    },
  };
}
