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
import { registerBake } from './bake.js';
import { registerBf16 } from './bf16.js';
import { registerConvert } from './convert.js';
import { registerEmulateFp16 } from './emulate-fp16.js';
import { registerFp16 } from './fp16.js';
import { registerFp32Islands } from './fp32-islands.js';
import { registerInspect } from './inspect.js';
import { registerProbe } from './probe.js';
import { registerZoo } from './zoo.js';

/**
 * Builds the `graph-surgery` command line; each command lives in its own module under src/cli/. Command modules
 * import library code inside their handlers, so `--help` and `--version` load only the parser.
 */
export function buildCli(argv: readonly string[], io: CliIo | CommandIo, _setExitCode: (code: number) => void): Argv {
  const cio = commandIo(io);
  let cli = createCli('graph-surgery', argv, {
    io: cio,
    version: packageVersion(new URL('../../package.json', import.meta.url)),
  }).usage('$0 <command> [options]\n\nLossless ONNX I/O, graph edits and a seeded model zoo.');
  cli = registerInspect(cli, cio);
  cli = registerConvert(cli, cio);
  cli = registerBake(cli, cio);
  cli = registerFp16(cli, cio);
  cli = registerBf16(cli, cio);
  cli = registerFp32Islands(cli, cio);
  cli = registerEmulateFp16(cli, cio);
  cli = registerProbe(cli, cio);
  cli = registerZoo(cli, cio);
  return cli;
}

/** Entry point of the `graph-surgery` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode, cio) => buildCli(argv, cio, setExitCode), io);
}
