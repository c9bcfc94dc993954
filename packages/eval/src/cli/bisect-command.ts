import { writeFileAtomic } from '@tamkit/common';
import { type CliIo, jsonOption, modelsOption, outOption, stackOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { BISECT_MODES, type BisectMode, type BisectReport, bisectModels } from '../bisect/run-bisect.js';
import { DEFAULT_TOLERANCE } from '../fidelity/compare-outputs.js';

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
export function registerBisectCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'bisect',
    'Find which modules break in FP16, then the smallest set of nodes each must keep in FP32; write precision plans',
    (y) =>
      y
        .options(modelsOption('Folder of the FP32 ONNX modules', { demandOption: true }))
        .options(stackOption('bench stack to bisect on (e.g. ort-cpu, ort-webgpu)', { demandOption: true }))
        .option('module', { type: 'string', array: true, describe: 'Only these modules (default: all found)' })
        .option('tolerance', {
          type: 'number',
          default: DEFAULT_TOLERANCE.relativeL2,
          describe: 'Largest relative L2 error ||a-b||/||b|| of any output vs FP32 (NaN/Inf always fail)',
        })
        .option('min-cosine', { type: 'number', describe: 'Also require this cosine similarity on every output' })
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
        .option('block-ops', {
          type: 'string',
          array: true,
          describe: 'native: op types kept FP32 in every candidate (kernels the stack lacks in FP16, e.g. Resize)',
        })
        .option('reference-stack', {
          type: 'string',
          describe: 'Stack of the FP32 reference (default: --stack; ort-cpu for TensorRT)',
        })
        .option('seed', { type: 'number', default: 0, describe: 'Seed of the synthetic frames and inputs' })
        .option('runs', { type: 'number', default: 10, describe: 'Timed runs for each reported latency' })
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
    async (args) => {
      const report = await bisectModels({
        models: args.models,
        stack: args.stack,
        modules: args.module,
        mode: args.mode as BisectMode | undefined,
        fusedAttention: args['fused-attention'],
        ...(args['block-ops'] ? { blockOps: args['block-ops'] } : {}),
        tolerance: { relativeL2: args.tolerance, minCosine: args['min-cosine'] },
        referenceStack: args['reference-stack'],
        seed: args.seed,
        timedRuns: args.runs,
        planOut: args['plan-out'],
        planDir: args['plan-dir'],
        cacheDir: args.cache,
        trtexec: args.trtexec,
        onProgress: args.json
          ? undefined
          : (e) => {
              if (e.phase === 'inputs') io.err('building inputs from the reference chain...');
              else if (e.phase === 'module') io.err(`${e.module}: FP32 reference and all-FP16 run`);
              else
                io.err(
                  `  ${e.module} evaluation ${e.evaluation.evaluation}: ${e.evaluation.fp32.length} FP32 candidates -> ${e.evaluation.passes ? 'pass' : 'fail'} (rel L2 ${fmt(e.evaluation.worstRelativeL2)})`,
                );
            },
      });
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (args.out) await writeFileAtomic(args.out, json);
      io.out(args.json ? json : formatBisectText(report));
    },
  );
}
