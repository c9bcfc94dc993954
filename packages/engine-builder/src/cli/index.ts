import { defineCli, packageVersion } from '@tamkit/common/cli';
import { registerBuildCommand } from './build-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerParseCommand } from './parse-command.js';

/**
 * The `engine-builder` command line; commands are registered by the modules under src/cli/ and import library
 * code when they run, so `--help` loads only the parser. `main` is the binary's entry point.
 */
export const { buildCli, main } = defineCli({
  name: 'engine-builder',
  version: () => packageVersion(new URL('../../package.json', import.meta.url)),
  commands: (cli, io, setExitCode) =>
    [registerBuildCommand, registerInspectCommand, registerParseCommand, registerCacheCommand].reduce(
      (c, register) => register(c, io, setExitCode),
      cli,
    ),
});

export { hintTrtVersion } from './build-command.js';
