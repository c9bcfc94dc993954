// track-eval stays unbundled (it runs bench, whose probes and worker threads start files next to their modules), but its bin loads a
// start.js (bundle-cli --serve-only) that answers a plain --help from text recorded at build time: that text must
// be what the parser prints, at every served width, and everything else must run the parser; --version too.
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { type ServedCli, serveOnlyForTest, unbuiltReason } from '../../common/test/helpers/cli-bundle.js';
import { servedStartTests } from '../../common/test/helpers/served-start.js';

const packageDir = join(import.meta.dirname, '..');
const unbuilt = unbuiltReason(packageDir);
let cli: ServedCli;

beforeAll(() => {
  if (!unbuilt) cli = serveOnlyForTest(packageDir, true);
}, 120_000);
afterAll(() => cli?.remove());

describe.skipIf(unbuilt)('track-eval start-up: --help and --version served, everything else parsed', () => {
  servedStartTests({
    packageDir,
    bin: 'track-eval.js',
    subcommand: 'lasot',
    servesVersion: true,
    startModule: () => cli.startModule(),
    runStart: (args, columns) => cli.runStart(args, columns),
    runParser: (args, columns) => cli.runModules(args, columns),
  });
});
