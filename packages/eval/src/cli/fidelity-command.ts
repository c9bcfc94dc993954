import { writeFileAtomic } from '@tamkit/common';
import { type CliIo, jsonOption, modelsOption, outOption, stackOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { compareStacks, type FidelityReport } from '../fidelity/compare-stacks.js';
import { createProgressBar } from './progress.js';

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

/** Registers `track-eval fidelity`. */
export function registerFidelityCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'fidelity',
    'Compare a stack (or FP16 files) with a reference: per module and output, and along a sequence',
    (y) =>
      y
        .options(modelsOption('Folder of the modules stack A runs', { demandOption: true }))
        .options(stackOption('Stack A (bench name, or module=stack,... spec)', { demandOption: true }))
        .option('reference', { type: 'string', demandOption: true, describe: 'Reference stack B' })
        .option('reference-models', { type: 'string', describe: 'Folder of the modules B runs (default --models)' })
        .option('module', { type: 'string', array: true, describe: 'Only these modules in the per-module part' })
        .option('sequence', {
          type: 'string',
          describe: 'LaSOT sequence folder to track (default: a synthetic sequence)',
        })
        .option('frames', {
          type: 'number',
          default: 16,
          describe: 'Frames of the sequence to track (0: skip the sequence part)',
        })
        .option('seed', { type: 'number', default: 0, describe: 'Seed of the synthetic frames and inputs' })
        .option('runs', { type: 'number', default: 5, describe: 'Timed runs per module for latencies' })
        .options(outOption('Also write the JSON report to this file'))
        .options(jsonOption())
        .example('$0 fidelity --models zoo/ --stack ort-webgpu --reference ort-cpu', 'Same files, two stacks')
        .example(
          '$0 fidelity --models zoo-fp16/ --reference-models zoo/ --stack ort-webgpu --reference ort-cpu --json',
          'FP16 files on WebGPU against the FP32 files on CPU',
        )
        .example(
          '$0 fidelity --models zoo/ --stack ort-cpu --reference ort-cpu --sequence synth/cup/cup-1 --frames 50',
          'A LaSOT sequence',
        ),
    async (args) => {
      const bar = args.json ? undefined : createProgressBar(io, 'sequence');
      const sequence =
        args.frames <= 0
          ? false
          : args.sequence
            ? { dir: args.sequence, frames: args.frames }
            : { frames: args.frames };
      const report = await compareStacks({
        models: args.models,
        stack: args.stack,
        reference: args.reference,
        referenceModels: args['reference-models'],
        modules: args.module,
        seed: args.seed,
        sequence,
        timedRuns: args.runs,
        onProgress: (e) => {
          if (args.json) return;
          if (e.phase === 'inputs') io.err('building inputs from the reference chain...');
          else if (e.phase === 'module') io.err(`${e.module}...`);
          else bar?.(e.frame, args.frames);
        },
      });
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (args.out) await writeFileAtomic(args.out, json);
      io.out(args.json ? json : formatFidelityText(report));
    },
  );
}
