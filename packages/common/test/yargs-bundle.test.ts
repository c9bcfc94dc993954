import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { bundleYargs } from '../scripts/bundle-yargs.mjs';

type Factory = typeof yargs;
let dir = '';
let bundled: Factory;
let packages: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yargs-bundle-'));
  packages = await bundleYargs(join(dir, 'yargs.js'));
  bundled = (await import(pathToFileURL(join(dir, 'yargs.js')).href)).default as Factory;
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same parser on either yargs: what it parses, or the error it fails with, and its help text. */
async function outcome(factory: Factory, argv: string[]) {
  const cli = factory(argv)
    .scriptName('demo')
    .exitProcess(false)
    .strict()
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .command('go <model>', 'Run ± 65504 overflow checks 🚀 on a model', (y) =>
      y
        .positional('model', { type: 'string', describe: 'Input file (never modified)' })
        .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Output file' })
        .option('size', { choices: ['full', 'tiny'] as const, default: 'full' as const })
        .option('n', { type: 'number', nargs: 1, describe: 'A count; naïve café width check' }),
    );
  const help = await cli.getHelp();
  try {
    const parsed = await cli.parseAsync();
    return { help, parsed: JSON.stringify({ ...parsed, $0: undefined }) };
  } catch (error) {
    return { help, error: (error as Error).message };
  }
}

describe('the yargs bundle the CLIs load at run time', () => {
  it('bundles yargs with its dependencies and writes their licences beside it', async () => {
    expect(packages).toContain('yargs');
    expect(packages).toContain('yargs-parser');
    const licences = await readFile(join(dir, 'yargs.js.LICENSES.txt'), 'utf8');
    for (const name of packages) expect(licences).toContain(`${name.replace(/^node_modules\//, '')}@`);
  });

  it.each([
    [['go', 'm.onnx', '-o', 'x', '--size', 'tiny', '--n', '-5']],
    [['go', 'm.onnx']],
    [['go', 'm.onnx', '-o', 'x', '--size', 'huge']],
    [['go', 'm.onnx', '-o', 'x', '--bogus']],
    [['go']],
    [['go', 'm.onnx', '-o', 'x', '--n']],
  ])('parses, fails and lays out help exactly as the yargs package does: %j', async (argv) => {
    const [fromBundle, fromPackage] = await Promise.all([outcome(bundled, argv), outcome(yargs, argv)]);
    expect(fromBundle).toEqual(fromPackage);
  });
});
