// bench stays unbundled (its probes and worker threads start files next to their modules), but its bin loads a
// start.js (bundle-cli --serve-only) that answers a plain --help from text recorded at build time: that text must
// be what the parser prints, at every served width, and everything else must run the parser. --version is not
// served: it names the onnxruntime-node installed beside bench, read live.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedCli, serveOnlyForTest, unbuiltReason } from '../../common/test/helpers/cli-bundle.js';
import { servedStartTests } from '../../common/test/helpers/served-start.js';

const packageDir = join(import.meta.dirname, '..');
const unbuilt = unbuiltReason(packageDir);
let cli: ServedCli;

beforeAll(() => {
  if (!unbuilt) cli = serveOnlyForTest(packageDir, false);
}, 120_000);
afterAll(() => cli?.remove());

describe.skipIf(unbuilt)('bench start-up: --help served, everything else parsed', () => {
  servedStartTests({
    packageDir,
    bin: 'bench.js',
    subcommand: 'pipeline',
    servesVersion: false,
    startModule: () => cli.startModule(),
    runStart: (args, columns) => cli.runStart(args, columns),
    runParser: (args, columns) => cli.runModules(args, columns),
  });

  it('answers --version with the installed onnxruntime-node, read live', () => {
    const r = cli.runStart(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^@tamkit\/bench \S+, onnxruntime-node \d+\.\d+\.\d+/);
  });
});
