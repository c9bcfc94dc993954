import { type CliIo, createCli, processIo, runCli } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { registerApplyPlan } from './apply-plan.js';
import { registerBake } from './bake.js';
import { registerBf16 } from './bf16.js';
import { registerConvert } from './convert.js';
import { registerEmulateFp16 } from './emulate-fp16.js';
import { registerFp16 } from './fp16.js';
import { registerFp32Islands } from './fp32-islands.js';
import { registerFuse } from './fuse.js';
import { registerInspect } from './inspect.js';
import { registerProbe } from './probe.js';
import { registerSpecialize } from './specialize.js';
import { registerZoo } from './zoo.js';

/** Builds the `graph-surgery` command line; each command lives in its own module under src/cli/. */
export function buildCli(argv: readonly string[], io: CliIo, _setExitCode: (code: number) => void): Argv {
  let cli = createCli('graph-surgery', argv).usage(
    '$0 <command> [options]\n\nLossless ONNX I/O, graph edits and a seeded model zoo.',
  );
  cli = registerInspect(cli, io);
  cli = registerConvert(cli, io);
  cli = registerBake(cli, io);
  cli = registerFp16(cli, io);
  cli = registerBf16(cli, io);
  cli = registerFp32Islands(cli, io);
  cli = registerApplyPlan(cli, io);
  cli = registerEmulateFp16(cli, io);
  cli = registerFuse(cli, io);
  cli = registerProbe(cli, io);
  cli = registerSpecialize(cli, io);
  cli = registerZoo(cli, io);
  return cli;
}

/** Entry point of the `graph-surgery` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
