import { createRequire } from 'node:module';
import { defineCli, packageVersion } from '@tamkit/common/cli';
import { registerCombineCommand } from './combine-command.js';
import { compareCommand } from './compare.js';
import { registerCudaCommand } from './cuda-command.js';
import { registerListCommand } from './list-command.js';
import { rewriteLegacyJsonFile, withCudaMath, withOrtLogging } from './options.js';
import { registerPipelineCommand } from './pipeline.js';
import { registerProfileCommand } from './profile-command.js';
import { registerRunCommand } from './run-command.js';

export { withCudaMath, withOrtLogging } from './options.js';

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
 * The `bench` command line; commands are registered by the modules under src/cli/ and import library code when
 * they run. `main` is the binary's entry point.
 */
export const { buildCli, main } = defineCli({
  name: 'bench',
  version: () => packageVersion(new URL('../../package.json', import.meta.url), [onnxruntimeVersion()]),
  rewrite: rewriteLegacyJsonFile,
  commands: (cli, io, setExitCode) => {
    let c = withCudaMath(withOrtLogging(cli));
    c = registerListCommand(c, io);
    c = registerRunCommand(c, io, setExitCode);
    c = c.command(compareCommand(io, setExitCode));
    c = registerCombineCommand(c, io);
    c = registerPipelineCommand(c, io, setExitCode);
    c = registerProfileCommand(c, io);
    return registerCudaCommand(c, io, setExitCode);
  },
});
