// bench stays unbundled (its probes and worker threads start files next to their modules), but its bin loads a
// start.js (bundle-cli --serve-only) that answers a plain --help from text recorded at build time: that text must
// be what the parser prints, at every served width, and everything else must run the parser. --version is not
// served: it names the onnxruntime-node installed beside bench, read live.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binBundleDir,
  CLI_BUNDLE_DIR,
  SERVED_WIDTHS,
  type ServedCli,
  serveOnlyForTest,
  unbuiltReason,
} from '../../common/test/helpers/cli-bundle.js';

const packageDir = join(import.meta.dirname, '..');
const unbuilt = unbuiltReason(packageDir);
let cli: ServedCli;

beforeAll(() => {
  if (!unbuilt) cli = serveOnlyForTest(packageDir, false);
}, 120_000);
afterAll(() => cli?.remove());

describe.skipIf(unbuilt)('bench start-up: --help served, everything else parsed', () => {
  it('is what the bin loads', () => {
    expect(binBundleDir(join(packageDir, 'bin', 'bench.js'))).toBe(CLI_BUNDLE_DIR);
  });

  it.each([
    undefined,
    ...SERVED_WIDTHS,
  ])('serves --help as the parser prints it (stdout %s columns wide)', async (columns) => {
    const { served } = await cli.startModule();
    const text = served(['--help'], columns);
    expect(text).toBeDefined();
    expect(text).toBe(cli.runModules(['--help'], columns).stdout);
    expect(served(['--version'], columns)).toBeUndefined();
  });

  it.each([60, 100])('the bin entry prints what the parser prints (stdout %s columns wide)', (columns) => {
    for (const args of [['--help'], ['--version'], ['pipeline', '--help'], ['--help', '-q']]) {
      expect(cli.runStart(args, columns)).toEqual(cli.runModules(args, columns));
    }
  });

  it('answers --version with the installed onnxruntime-node, read live', () => {
    const r = cli.runStart(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^@tamkit\/bench \S+, onnxruntime-node \d+\.\d+\.\d+/);
  });
});
