// The bundled command line (the build's bundle-cli step, which the bin loads) against the modules it is made
// from: same version, same help (and the --help/--version that start.js serves equal to what the parser prints), a real command through the chunk that holds the codec, typed errors keeping
// their exit codes, and nothing of tamkit imported at run time.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledCli, bundleForTest, unbuiltReason } from '../../common/test/helpers/cli-bundle.js';
import { servedStartTests } from '../../common/test/helpers/served-start.js';
import { buildCli } from '../src/cli/index.js';
import { writeModel } from '../src/index.js';
import { miniMaskDecoder } from './helpers/modules.js';

const packageDir = join(import.meta.dirname, '..');
const unbuilt = unbuiltReason(packageDir);
let cli: BundledCli;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-bundle-'));
  if (!unbuilt) cli = await bundleForTest(packageDir, ['@tamkit/common', 'protobufjs', 'long']);
}, 120_000);
afterAll(async () => {
  cli?.remove();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(unbuilt)('graph-surgery as bundled for its bin', () => {
  servedStartTests({
    packageDir,
    bin: 'graph-surgery.js',
    subcommand: 'convert',
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
    const r = cli.run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`@tamkit/graph-surgery ${version}`);
  });

  it.each([
    [['--help']],
    [['convert', '--help']],
    [['zoo', '--help']],
  ])('prints the same help as the unbundled modules: %j', (args) => {
    const [bundled, modules] = [cli.run(args), cli.runModules(args)];
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toContain('Options:');
    expect(bundled).toEqual(modules);
  });

  it('converts a model byte for byte, loading the codec from its chunk', async () => {
    const input = join(dir, 'in.onnx');
    await writeModel(miniMaskDecoder(), input);
    const r = cli.run(['convert', input, '-o', join(dir, 'out.onnx')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote');
    expect(readFileSync(join(dir, 'out.onnx')).equals(readFileSync(input))).toBe(true);
  });

  it('BAD CALL - a missing input exits as the modules do, with the typed error (one ToolkitError class)', () => {
    const args = ['convert', join(dir, 'missing.onnx'), '-o', join(dir, 'x.onnx')];
    const [bundled, modules] = [cli.run(args), cli.runModules(args)];
    expect(bundled.stderr).toContain('FILE_NOT_FOUND');
    expect(bundled.status).not.toBe(70);
    expect(bundled).toEqual(modules);
  });

  it('imports no tamkit package nor protobufjs at run time: only node built-ins and onnxruntime-node', () => {
    const external = [...new Set(cli.imports())].filter((s) => !/^(node:)?[a-z_]+(\/[a-z_]+)?$/.test(s));
    expect(external.sort()).toEqual(['onnxruntime-node']);
  });
});
