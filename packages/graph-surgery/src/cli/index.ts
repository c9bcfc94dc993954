import { defineCli, packageVersion } from '@tamkit/common/cli';
import { registerApplyPlan } from './apply-plan.js';
import { registerBake } from './bake.js';
import { registerBf16 } from './bf16.js';
import { registerConvert } from './convert.js';
import { registerEmulateFp16 } from './emulate-fp16.js';
import { registerFp16 } from './fp16.js';
import { registerFp32Islands } from './fp32-islands.js';
import { registerFuse } from './fuse.js';
import { registerInspect } from './inspect.js';
import { registerMerge } from './merge.js';
import { registerProbe } from './probe.js';
import { registerSpecialize } from './specialize.js';
import { registerZoo } from './zoo.js';

/**
 * The `graph-surgery` command line; each command lives in its own module under src/cli/ and imports library
 * code inside its handler, so `--help` and `--version` load only the parser. `main` is the binary's entry point.
 */
export const { buildCli, main } = defineCli({
  name: 'graph-surgery',
  version: () => packageVersion(new URL('../../package.json', import.meta.url)),
  usage: '$0 <command> [options]\n\nLossless ONNX I/O, graph edits and a seeded model zoo.',
  commands: (cli, io) =>
    [
      registerInspect,
      registerConvert,
      registerBake,
      registerFp16,
      registerBf16,
      registerFp32Islands,
      registerApplyPlan,
      registerEmulateFp16,
      registerFuse,
      registerProbe,
      registerSpecialize,
      registerMerge,
      registerZoo,
    ].reduce((c, register) => register(c, io), cli),
});
