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
import { BISECT_MODES, type BisectMode } from '../bisect/modes.js';
import type { BisectReport } from '../bisect/run-bisect.js';
import { DEFAULT_TOLERANCE } from '../fidelity/compare-outputs.js';
import { RUNS_DEPRECATION } from './fidelity-command.js';
import { emitReport } from './options.js';

const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

/** The text `track-eval bisect` prints without --json. */
export function formatBisectText(report: BisectReport): string {
  const lines = [
    `bisect on ${report.stack} (${report.mode}${report.fusedAttention ? ', fused attention' : ''}), tolerance relative L2 <= ${report.tolerance.relativeL2}, reference ${report.referenceStack}`,
  ];
  for (const m of report.modules) {
    const state = m.fp16.meetsTolerance ? 'ok in FP16' : 'BREAKS in FP16';
    lines.push(
      `  ${m.module.padEnd(17)} ${state.padEnd(15)} worst rel L2 ${fmt(m.fp16.worstRelativeL2)}  FP32 ${m.fp32LatencyMs.toFixed(2)} ms, FP16 ${m.fp16.latencyMs.toFixed(2)} ms`,
    );
    const l = m.layers;
    if (l?.status === 'found') {
      lines.push(
        `    keep FP32: ${l.fp32.length} of ${l.candidates} candidates (${l.fp32Nodes.length} nodes), ${l.evaluations} evaluations (budget ${l.budget})`,
      );
      for (const c of l.fp32) lines.push(`      ${c.kind.padEnd(13)} ${c.label}`);
      lines.push(`    result: worst rel L2 ${fmt(l.worstRelativeL2)}, ${l.latencyMs.toFixed(2)} ms`);
    } else if (l) {
      lines.push(
        `    even every candidate in FP32 misses the tolerance (${l.evaluations} evaluations): keep the module FP32`,
      );
    }
    if (m.planFile) lines.push(`    plan: ${m.planFile}`);
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** Registers `track-eval bisect`. */
export function registerBisectCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'bisect',
    'Find which modules break in FP16, then the smallest set of nodes each must keep in FP32; write precision plans',
    (y) =>
      withDeprecatedFlags(
        y
          .options(modelsOption('Folder of the FP32 ONNX modules', { demandOption: true }))
          .options(stackOption('bench stack to bisect on (e.g. ort-cpu, ort-webgpu)', { demandOption: true }))
          .option('module', { type: 'string', array: true, describe: 'Only these modules (default: all found)' })
          .options(
            numberOption(
              'tolerance',
              'Largest relative L2 error ||a-b||/||b|| of any output vs FP32 (NaN/Inf always fail)',
              { above: 0 },
              { default: DEFAULT_TOLERANCE.relativeL2 },
            ),
          )
          .options(
            numberOption('min-cosine', 'Also require this cosine similarity on every output', { min: -1, max: 1 }),
          )
          .option('mode', {
            choices: BISECT_MODES,
            describe:
              'Candidates: emulate (FP16 storage emulated in FP32, default on ort-cpu), native (FP16 graph + FP32 islands), engine (TensorRT plans via engine-builder)',
          })
          .option('fused-attention', {
            type: 'boolean',
            default: true,
            describe:
              'emulate: model fused attention kernels (softmax without max subtraction); --no-fused-attention for stable softmax',
          })
          .option('fp32-ops', {
            type: 'string',
            array: true,
            describe:
              'native: op types kept FP32 in every candidate, not searched (kernels the stack lacks in FP16, e.g. Resize)',
          })
          .option('reference-stack', {
            type: 'string',
            describe: 'Stack of the FP32 reference (default: --stack; ort-cpu for TensorRT)',
          })
          .options(numberOption('seed', 'Seed of the synthetic frames and inputs', SEED_RANGE, { default: 0 }))
          .options(
            numberOption(
              'iterations',
              'Timed runs for each reported latency (0: no latency)',
              { integer: true, min: 0 },
              { default: 10 },
            ),
          )
          .option('plan-out', { type: 'string', describe: 'Write the precision plan here (one module)' })
          .option('plan-dir', { type: 'string', describe: 'Write <module>.plan.json here for every module' })
          .option('cache', { type: 'string', describe: 'engine mode: engine-builder cache folder' })
          .option('trtexec', { type: 'string', describe: 'engine mode: path of trtexec' })
          .options(outOption('Also write the JSON report to this file'))
          .options(jsonOption())
          .example(
            '$0 bisect --models zoo/ --stack ort-cpu --plan-dir plans/',
            'Every module, emulated FP16, plans per module',
          )
          .example(
            '$0 bisect --models zoo/ --stack ort-webgpu --module image_encoder --plan-out ie.plan.json --json',
            'Native FP16 on WebGPU, one module',
          )
          .example(
            'engine-builder build zoo/image_encoder.onnx --plan ie.plan.json',
            'Then build the engine from the plan',
          ),
        io,
        [{ flag: 'block-ops', replacement: 'fp32-ops', option: { type: 'string', array: true } }, RUNS_DEPRECATION],
      ),
    async (args) => {
      // Hours of evaluation must not end in a write failure: check every output first.
      if (args.out) await checkOutputLocation(args.out, { flag: '--out' });
      if (args['plan-out']) await checkOutputLocation(args['plan-out'], { flag: '--plan-out' });
      if (args['plan-dir']) await checkOutputLocation(args['plan-dir'], { kind: 'folder', flag: '--plan-dir' });
      const { bisectModels } = await import('../bisect/run-bisect.js');
      let search: Progress | undefined;
      const report = await bisectModels({
        models: args.models,
        stack: args.stack,
        modules: args.module,
        mode: args.mode as BisectMode | undefined,
        fusedAttention: args['fused-attention'],
        ...(args['fp32-ops'] ? { blockOps: args['fp32-ops'] } : {}),
        tolerance: { relativeL2: args.tolerance, minCosine: args['min-cosine'] },
        referenceStack: args['reference-stack'],
        seed: args.seed,
        timedRuns: args.iterations,
        planOut: args['plan-out'],
        planDir: args['plan-dir'],
        cacheDir: args.cache,
        trtexec: args.trtexec,
        onProgress: (e) => {
          if (e.phase === 'inputs') io.info('building inputs from the reference chain...');
          else if (e.phase === 'module') {
            search?.finish();
            search = undefined;
            io.info(`${e.module}: FP32 reference and all-FP16 run`);
          } else {
            const ev = e.evaluation;
            // The total is the search's estimate for what it knows (it grows when a culprit is found).
            search ??= io.progress(`${e.module} layer search, evaluation`, ev.estimatedEvaluations);
            search.setTotal(ev.estimatedEvaluations);
            search.update(
              ev.evaluation,
              `${ev.fp32.length} of ${ev.candidates} FP32 -> ${ev.passes ? 'pass' : 'fail'}`,
            );
            io.debug(
              `  ${e.module} evaluation ${ev.evaluation}: ${ev.fp32.length} FP32 candidates -> ${ev.passes ? 'pass' : 'fail'} (rel L2 ${fmt(ev.worstRelativeL2)})`,
            );
          }
        },
      });
      search?.finish();
      for (const m of report.modules) if (m.planFile) io.wrote(m.planFile, `the ${m.module} plan`);
      await emitReport(io, args, report, formatBisectText(report), 'the bisect report');
    },
  );
}
