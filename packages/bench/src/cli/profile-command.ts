import { checkOutputLocation, writeFileAtomic } from '@tamkit/common';
import { type CommandIo, numberOption, outOption, withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { ProfileReport } from '../measure/profile-modules.js';
import { renderTextTable } from '../report/text-table.js';
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
export function registerProfileCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'profile',
    'Where the time goes per module: launches, node vs wall time, nodes off the provider, copies (ORT profiling)',
    (y) =>
      withDeprecatedFlags(
        y
          .options({
            ...stackOptions,
            ...modelOptions,
            ...numberOption(
              'iterations',
              'Profiled runs summarised per module',
              { integer: true, min: 1 },
              { default: 20 },
            ),
            ...numberOption(
              'warmup',
              'Runs before them, left out of the summary',
              { integer: true, min: 0 },
              { default: 3 },
            ),
            ...numberOption('threads', 'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses)', {
              integer: true,
              min: 1,
            }),
            ...outOption('Write the profile report JSON to this file'),
            json: { type: 'boolean', default: false, describe: 'Print the profile report JSON instead of the table' },
            label: { type: 'string', describe: 'Label stored in the report' },
          })
          .example('$0 profile --stack ort-cuda --models zoo/', 'every module on the CUDA provider')
          .example(
            '$0 profile --stack ort-cpu --stack ort-webgpu --models zoo/memory_attention.onnx -o reports/profile.json',
            'one module on two stacks, saved',
          ),
        io,
        [
          { flag: 'runs', replacement: 'iterations', option: { type: 'number' } },
          { flag: 'warmup-runs', replacement: 'warmup', option: { type: 'number' } },
        ],
      ),
    async (args) => {
      if (args.out !== undefined) await checkOutputLocation(args.out, { flag: '--out' });
      const [{ profileModules }, { parseShapeSpecs }] = await Promise.all([
        import('../measure/profile-modules.js'),
        import('../measure/shapes.js'),
      ]);
      const report = await profileModules({
        stacks: args.stack as StackName[],
        models: args.models,
        runs: args.iterations,
        warmupRuns: args.warmup,
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        shapes: parseShapeSpecs(args.shape),
        seed: args.seed,
        ...(args.label === undefined ? {} : { label: args.label }),
        onProgress: (e) => io.info(`profiling ${e.module} on ${e.stack}...`),
      });
      io.out(args.json ? JSON.stringify(report, null, 2) : formatProfileReport(report));
      if (args.out !== undefined) {
        await writeFileAtomic(args.out, `${JSON.stringify(report, null, 2)}\n`);
        io.wrote(args.out, 'the profile report');
      }
    },
  );
}
