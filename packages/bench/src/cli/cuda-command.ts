import { ExitCode, UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { checkCudaProvider } from '../cuda/check.js';
import { installCudaProvider } from '../cuda/install.js';
import { uninstallCudaProvider } from '../cuda/status.js';
import { formatCudaCheck, formatInstallReport } from './cuda-format.js';

const rootOption = {
  root: {
    type: 'string',
    array: true,
    describe: 'Install folder(s) whose onnxruntime-node packages are concerned (default: the one bench runs from)',
  },
  json: { type: 'boolean', default: false, describe: 'Print the result as JSON' },
} as const;

function parseCuda(value: string): 12 | 13 | 'auto' {
  if (value === 'auto') return 'auto';
  if (value === '12' || value === '13') return Number(value) as 12 | 13;
  throw new UsageError(`--cuda ${value}: expected 12, 13 or auto`);
}

/** `bench cuda install | check | uninstall`: ONNX Runtime's CUDA provider libraries for onnxruntime-node. */
export function registerCudaCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command('cuda', "Install and check ONNX Runtime's CUDA provider for onnxruntime-node", (y) =>
    y
      .command(
        'install',
        'Put the CUDA provider libraries next to every onnxruntime-node binding, then self-test them',
        (c) =>
          c
            .options({
              ...rootOption,
              cuda: {
                type: 'string',
                default: 'auto',
                describe:
                  'CUDA major version: 12 (official, via onnxruntime-node installer), 13 (pinned npm package), auto',
              },
              from: {
                type: 'string',
                describe: 'Install from a local folder of libonnxruntime_providers_*.so files or the CUDA 13 .tgz',
              },
              'self-test': { type: 'boolean', default: true, describe: 'Run a model on CUDA against CPU afterwards' },
            })
            .example('$0 cuda install', 'the providers for the CUDA runtime found here (13 before 12)')
            .example('$0 cuda install --cuda 12', "ONNX Runtime's official CUDA 12 build (NuGet, needs network)")
            .example(
              '$0 cuda install --from /tmp/cuda-ep',
              'offline: files copied from a machine with network (checked against the pinned sha256)',
            ),
        async (args) => {
          const report = await installCudaProvider({
            cuda: parseCuda(args.cuda),
            ...(args.from === undefined ? {} : { from: args.from }),
            ...(args.root === undefined ? {} : { roots: args.root }),
            selfTest: args['self-test'],
            onProgress: (m) => io.err(m),
          });
          io.out(args.json ? JSON.stringify(report, null, 2) : formatInstallReport(report));
          if (report.selfTests.some((t) => !t.passed)) setExitCode(ExitCode.Failure);
        },
      )
      .command(
        'check',
        'Report the driver, the provider libraries per binding, the CUDA libraries found, and self-test',
        (c) =>
          c
            .options({
              ...rootOption,
              'self-test': { type: 'boolean', default: true, describe: 'Run a model on CUDA against CPU' },
            })
            .example('$0 cuda check', 'what the ort-cuda stack would find here')
            .example('$0 cuda check --json --no-self-test', 'files and versions only, machine-readable'),
        async (args) => {
          const check = await checkCudaProvider({
            ...(args.root === undefined ? {} : { roots: args.root }),
            selfTest: args['self-test'],
          });
          io.out(args.json ? JSON.stringify(check, null, 2) : formatCudaCheck(check));
          const installed = check.installs.some((i) => i.providerOrtVersion !== undefined);
          if (!check.driver.present || !installed || check.selfTests.some((t) => !t.passed)) {
            setExitCode(ExitCode.Unavailable);
          }
        },
      )
      .command(
        'uninstall',
        'Take the provider libraries out of every onnxruntime-node binding',
        (c) => c.options(rootOption).example('$0 cuda uninstall', 'back to the CPU and WebGPU providers only'),
        async (args) => {
          const removed = await uninstallCudaProvider(args.root);
          if (args.json) io.out(JSON.stringify(Object.fromEntries(removed), null, 2));
          else
            for (const [dir, names] of removed)
              io.out(`${dir}: ${names.length > 0 ? `removed ${names.join(', ')}` : 'nothing installed'}`);
        },
      )
      .demandCommand(1, 'Name a cuda command: install, check or uninstall.'),
  );
}
