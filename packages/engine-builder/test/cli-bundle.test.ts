// The bundled command line (the build's bundle-cli step, which the bin loads) against the modules it is made
// from, and what `--help` loads: the command modules and graph-surgery's list of precision names, not its library.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledCli, bundleForTest, unbuiltReason } from '../../common/test/helpers/cli-bundle.js';
import { staticImportGraph } from '../../common/test/helpers/import-graph.js';
import { servedStartTests } from '../../common/test/helpers/served-start.js';
import { buildCli } from '../src/cli/index.js';

const packageDir = join(import.meta.dirname, '..');
const unbuilt = unbuiltReason(packageDir);
let cli: BundledCli;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eb-bundle-'));
  if (!unbuilt)
    cli = await bundleForTest(packageDir, ['@tamkit/common', '@tamkit/graph-surgery', 'protobufjs', 'long']);
}, 120_000);
afterAll(async () => {
  cli?.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('engine-builder start-up', () => {
  it('loads the command modules and graph-surgery precision names, none of its library', () => {
    const { files } = staticImportGraph(join(packageDir, 'src', 'cli', 'index.ts'));
    const graphSurgery = join(packageDir, '..', 'graph-surgery', 'src');
    const fromGraphSurgery = [...files].filter((f) => f.startsWith(graphSurgery)).map((f) => relative(graphSurgery, f));
    expect(fromGraphSurgery.sort()).toEqual(['names.ts', 'plan/precision.ts']);
  });
});

describe.skipIf(unbuilt)('engine-builder as bundled for its bin', () => {
  servedStartTests({
    packageDir,
    bin: 'engine-builder.js',
    subcommand: 'build',
    servesVersion: true,
    startModule: () => cli.startModule(),
    runStart: (args, columns) => cli.runStart(args, columns),
    runParser: (args, columns) => cli.runColumns(args, columns),
  });

  it('serves the --help the current TypeScript source defines (a stale build fails here)', async () => {
    const { served } = await cli.startModule();
    const quiet = { out: () => undefined, err: () => undefined };
    const help = await buildCli(['--help'], quiet, () => undefined).getHelp();
    expect(served(['--help'], process.stdout.columns)).toBe(`${help}\n`);
  });

  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(cli.run(['--version']).stdout.trim()).toBe(`@tamkit/engine-builder ${version}`);
  });

  it.each([
    [['--help']],
    [['build', '--help']],
    [['cache', '--help']],
  ])('prints the same help as the unbundled modules: %j', (args) => {
    const [bundled, modules] = [cli.run(args), cli.runModules(args)];
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toContain('Options:');
    expect(bundled).toEqual(modules);
  });

  it('runs a command as the modules do: cache verify of an empty cache', () => {
    const args = ['cache', 'verify', '--cache', join(dir, 'cache')];
    const [bundled, modules] = [cli.run(args), cli.runModules(args)];
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled).toEqual(modules);
  });

  it('BAD CALL - a missing trtexec file exits as the modules do, with the typed error', () => {
    const args = ['parse', join(dir, 'missing.log')];
    const [bundled, modules] = [cli.run(args), cli.runModules(args)];
    expect(bundled.status).not.toBe(0);
    expect(bundled.status).not.toBe(70);
    expect(bundled).toEqual(modules);
  });

  it('imports no tamkit package at run time', () => {
    expect(cli.imports().filter((s) => s.startsWith('@tamkit/'))).toEqual([]);
  });
});
