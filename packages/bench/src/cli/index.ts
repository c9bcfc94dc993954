import { createRequire } from 'node:module';
import {
  type CliIo,
  type CommandIo,
  commandIo,
  createCli,
  packageVersion,
  processIo,
  runCli,
} from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { compareCommand } from './compare.js';
import { registerListCommand } from './list-command.js';
import { rewriteLegacyJsonFile } from './options.js';
import { registerPipelineCommand } from './pipeline.js';
import { registerRunCommand } from './run-command.js';

/** onnxruntime-node's version, read from its package.json (loading the runtime for it would cost seconds). */
function onnxruntimeVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string };
    return `onnxruntime-node ${pkg.version}`;
  } catch {
    return 'onnxruntime-node not installed';
  }
}

/**
 * Builds the `bench` command line; commands are registered by the modules under src/cli/ and import library
 * code when they run.
 */
export function buildCli(argv: readonly string[], io: CliIo | CommandIo, setExitCode: (code: number) => void): Argv {
  const cio = commandIo(io);
  let cli = createCli('bench', rewriteLegacyJsonFile(argv, cio), {
    io: cio,
    version: packageVersion(new URL('../../package.json', import.meta.url), [onnxruntimeVersion()]),
  });
  cli = registerListCommand(cli, cio);
  cli = registerRunCommand(cli, cio, setExitCode);
  cli = cli.command(compareCommand(cio, setExitCode));
  cli = registerPipelineCommand(cli, cio, setExitCode);
  return cli;
}

/** Entry point of the `bench` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode, cio) => buildCli(argv, cio, setExitCode), io);
}
