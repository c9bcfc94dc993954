// track-eval stays unbundled (it runs bench, whose probes and worker threads start files next to their modules), but its bin loads a
// start.js (bundle-cli --serve-only) that answers a plain --help from text recorded at build time: that text must
// be what the parser prints, at every served width, and everything else must run the parser; --version too.
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
  if (!unbuilt) cli = serveOnlyForTest(packageDir, true);
}, 120_000);
afterAll(() => cli?.remove());

describe.skipIf(unbuilt)('track-eval start-up: --help and --version served, everything else parsed', () => {
  it('is what the bin loads', () => {
    expect(binBundleDir(join(packageDir, 'bin', 'track-eval.js'))).toBe(CLI_BUNDLE_DIR);
  });

  it.each([
    undefined,
    ...SERVED_WIDTHS,
  ])('serves --help as the parser prints it (stdout %s columns wide)', async (columns) => {
    const { served } = await cli.startModule();
    const text = served(['--help'], columns);
    expect(text).toBeDefined();
    expect(text).toBe(cli.runModules(['--help'], columns).stdout);
    expect(served(['--version'], columns)).toBe(cli.runModules(['--version'], columns).stdout);
  });

  it.each([60, 100])('the bin entry prints what the parser prints (stdout %s columns wide)', (columns) => {
    for (const args of [['--help'], ['--version'], ['lasot', '--help'], ['--help', '-q']]) {
      expect(cli.runStart(args, columns)).toEqual(cli.runModules(args, columns));
    }
  });
});
