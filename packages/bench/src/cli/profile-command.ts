import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { type ProfileReport, profileModules } from '../measure/profile-modules.js';
import { parseShapeSpecs } from '../measure/shapes.js';
import { renderTextTable, writeFileAtomic } from '../report/index.js';
import type { StackName } from '../stacks/registry.js';
import { modelOptions, stackOptions } from './options.js';

const f = (v: number, digits = 2) => v.toFixed(digits);

/** `bench profile` as text: one row per module and stack, then each module's slowest nodes. */
export function formatProfileReport(report: ProfileReport): string {
  const rows = report.modules.map(({ stack, module, profile: p }) => [
    stack,
    module,
    f(p.wallMsPerRun),
    f(p.nodesPerRun, 0),
    f(p.nodeMsPerRun),
    f(p.outsideNodesMsPerRun),
    `${f(p.memcpy.nodesPerRun, 0)} / ${f(p.memcpy.msPerRun)}`,
    `${f(
      p.elsewhere.reduce((s, o) => s + o.nodesPerRun, 0),
      0,
    )} / ${f(p.elsewhere.reduce((s, o) => s + o.msPerRun, 0))}`,
    p.gpuKernels ? `${f(p.gpuKernels.perRun, 0)} / ${f(p.gpuKernels.msPerRun)}` : '-',
  ]);
  const parts = [
    renderTextTable(
      [
        'stack',
        'module',
        'wall ms',
        'nodes',
        'node ms',
        'outside ms',
        'memcpy n/ms',
        'elsewhere n/ms',
        'GPU kernels n/ms',
      ],
      rows,
      { align: ['left', 'left'] },
    ).trimEnd(),
  ];
  for (const { stack, module, profile: p } of report.modules) {
    const elsewhere = p.elsewhere
      .slice(0, 6)
      .map((o) => `${o.opType} ${f(o.nodesPerRun, 0)} (${f(o.msPerRun)} ms)`)
      .join(', ');
    parts.push(
      `${stack} ${module}: slowest ${p.slowestNodes
        .slice(0, 5)
        .map((n) => `${n.node} (${n.opType}, ${f(n.msPerRun)} ms)`)
        .join(', ')}` + (elsewhere ? `\n  not on ${p.requested}: ${elsewhere}` : ''),
    );
  }
  for (const u of report.unavailable) parts.push(`${u.stack} unavailable: ${u.reason}\n  Note: ${u.remedy}`);
  parts.push(
    'note: per run, after warm-up. Node times on GPU providers are host-side launch times (kernels run asynchronously); ' +
      '"outside" is wall time in no node (scheduling, allocation, waiting for the device). GPU kernel times need a provider built with a kernel tracer.',
  );
  return parts.join('\n');
}

/** `bench profile --stack NAME... --models DIR|FILE`. */
export function registerProfileCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'profile',
    'Where the time goes per module: launches, node vs wall time, nodes off the provider, copies (ORT profiling)',
    (y) =>
      y
        .options({
          ...stackOptions,
          ...modelOptions,
          runs: { type: 'number', default: 20, describe: 'Profiled runs summarised per module' },
          'warmup-runs': { type: 'number', default: 3, describe: 'Runs before them, left out of the summary' },
          threads: { type: 'number', describe: 'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses)' },
          json: { type: 'string', describe: 'Write the profile report JSON to FILE (`--json=-` prints it instead)' },
          label: { type: 'string', describe: 'Label stored in the report' },
        })
        .example('$0 profile --stack ort-cuda --models zoo/', 'every module on the CUDA provider')
        .example(
          '$0 profile --stack ort-cpu --stack ort-webgpu --models zoo/memory_attention.onnx --json reports/profile.json',
          'one module on two stacks, saved',
        ),
    async (args) => {
      const report = await profileModules({
        stacks: args.stack as StackName[],
        models: args.models,
        runs: args.runs,
        warmupRuns: args['warmup-runs'],
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        shapes: parseShapeSpecs(args.shape),
        seed: args.seed,
        ...(args.label === undefined ? {} : { label: args.label }),
        onProgress: (e) => io.err(`profiling ${e.module} on ${e.stack}...`),
      });
      if (args.json === '-') io.out(JSON.stringify(report, null, 2));
      else io.out(formatProfileReport(report));
      if (args.json !== undefined && args.json !== '-')
        await writeFileAtomic(args.json, `${JSON.stringify(report, null, 2)}\n`);
    },
  );
}
