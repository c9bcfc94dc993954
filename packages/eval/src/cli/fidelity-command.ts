import { checkOutputLocation } from '@tamkit/common';
import {
  type CommandIo,
  jsonOption,
  modelsOption,
  numberOption,
  outOption,
  type Progress,
  SEED_RANGE,
  stackOption,
  withDeprecatedFlags,
} from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { FidelityReport } from '../fidelity/compare-stacks.js';
import { emitReport } from './options.js';

const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

/** The text `track-eval fidelity` prints without --json. */
export function formatFidelityText(report: FidelityReport): string {
  const lines = [`${report.stack} on ${report.models} vs reference ${report.reference} on ${report.referenceModels}`];
  for (const m of report.modules) {
    lines.push(`  ${m.module} (${m.latencyMs.toFixed(2)} ms vs ${m.referenceLatencyMs.toFixed(2)} ms)`);
    for (const o of m.outputs) {
      const mask = o.maskIou === undefined ? '' : `  mask IoU ${o.maskIou.toFixed(4)}`;
      lines.push(
        `    ${o.output.padEnd(22)} max abs ${sci(o.maxAbsError)}  rel L2 ${sci(o.relativeL2Error)}  max rel ${sci(o.maxRelativeError)}  cos ${o.cosineSimilarity.toFixed(6)}  non-finite ${(o.nonFiniteShare * 100).toFixed(2)}%${mask}`,
      );
    }
  }
  const s = report.sequence;
  if (s) {
    lines.push(
      `  sequence ${s.source}: ${s.frames} frames, mean mask IoU ${s.meanMaskIou.toFixed(4)}, mean box IoU ${s.meanBoxIou.toFixed(4)}`,
    );
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** --iterations was --runs in fidelity and bisect: "timed runs" is --iterations in every tamkit command. */
export const RUNS_DEPRECATION = {
  flag: 'runs',
  replacement: 'iterations',
  option: numberOption('runs', 'Timed runs', { integer: true, min: 0 }).runs,
} as const;

/** Registers `track-eval fidelity`. */
export function registerFidelityCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'fidelity',
    'Compare a stack (or FP16 files) with a reference: per module and output, and along a sequence',
    (y) =>
      withDeprecatedFlags(
        y
          .options(modelsOption('Folder of the modules stack A runs', { demandOption: true }))
          .options(stackOption('Stack A (bench name, or module=stack,... spec)', { demandOption: true }))
          .option('reference-stack', {
            type: 'string',
            demandOption: true,
            describe: 'Reference stack B (bench name, or module=stack,... spec)',
          })
          .option('reference-models', { type: 'string', describe: 'Folder of the modules B runs (default --models)' })
          .option('module', { type: 'string', array: true, describe: 'Only these modules in the per-module part' })
          .option('sequence', {
            type: 'string',
            describe: 'LaSOT sequence folder to track (default: a synthetic sequence)',
          })
          .options(
            numberOption(
              'frames',
              'Frames of the sequence to track (0: skip the sequence part)',
              { integer: true, min: 0 },
              { default: 16 },
            ),
          )
          .options(numberOption('seed', 'Seed of the synthetic frames and inputs', SEED_RANGE, { default: 0 }))
          .options(
            numberOption(
              'iterations',
              'Timed runs per module for latencies (0: no latency)',
              { integer: true, min: 0 },
              { default: 5 },
            ),
          )
          .options(outOption('Also write the JSON report to this file'))
          .options(jsonOption())
          .example('$0 fidelity --models zoo/ --stack ort-webgpu --reference-stack ort-cpu', 'Same files, two stacks')
          .example(
            '$0 fidelity --models zoo-fp16/ --reference-models zoo/ --stack ort-webgpu --reference-stack ort-cpu --json',
            'FP16 files on WebGPU against the FP32 files on CPU',
          )
          .example(
            '$0 fidelity --models zoo/ --stack ort-cpu --reference-stack ort-cpu --sequence synth/cup/cup-1 --frames 50',
            'A LaSOT sequence',
          ),
        io,
        [{ flag: 'reference', replacement: 'reference-stack' }, RUNS_DEPRECATION],
      ),
    async (args) => {
      if (args.out) await checkOutputLocation(args.out, { flag: '--out' });
      const { compareStacks } = await import('../fidelity/compare-stacks.js');
      const sequence =
        args.frames <= 0
          ? false
          : args.sequence
            ? { dir: args.sequence, frames: args.frames }
            : { frames: args.frames };
      let modules: Progress | undefined;
      let moduleCount = 0;
      let frames: Progress | undefined;
      const modulesDone = () => {
        modules?.update(moduleCount);
        modules?.finish();
        modules = undefined;
      };
      const report = await compareStacks({
        models: args.models,
        stack: args.stack,
        reference: args.referenceStack,
        referenceModels: args['reference-models'],
        modules: args.module,
        seed: args.seed,
        sequence,
        timedRuns: args.iterations,
        onProgress: (e) => {
          if (e.phase === 'inputs') io.info('building inputs from the reference chain...');
          else if (e.phase === 'module') {
            io.debug(`${e.module}: reference, then the stack under test`);
            moduleCount = e.count;
            modules ??= io.progress('modules', e.count);
            modules.update(e.index, e.module);
          } else {
            modulesDone();
            frames ??= io.progress('sequence frames', args.frames);
            frames.update(e.frame);
          }
        },
      });
      modulesDone();
      frames?.finish();
      await emitReport(io, args, report, formatFidelityText(report), 'the fidelity report');
    },
  );
}
