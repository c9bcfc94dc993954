/**
 * The tests every CLI's start.js gets (bundle-cli.mjs), bundled or not: the bin loads it; a plain --help (and
 * --version where served) is the text the parser prints live, at every served width; and at other widths, or with
 * other arguments, the bin's entry prints exactly what the parser prints. Call inside a `describe`.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { binBundleDir, CLI_BUNDLE_DIR, type CliRun, SERVED_WIDTHS } from './cli-bundle.js';

export interface StartUnderTest {
  packageDir: string;
  /** The bin file's name, e.g. `graph-surgery.js`. */
  bin: string;
  /** A subcommand whose --help must run the parser. */
  subcommand: string;
  /** Whether start.js serves --version too (false: the version line is read live). */
  servesVersion: boolean;
  /** The fresh start.js, imported. Called inside the tests (after beforeAll). */
  startModule(): Promise<{ served(argv: readonly string[], columns: number | undefined): string | undefined }>;
  /** `start(args)` of the fresh start.js with stdout `columns` wide. */
  runStart(args: readonly string[], columns?: number): CliRun;
  /** What the parser itself prints with stdout `columns` wide (the bundle's or the modules' `main`). */
  runParser(args: readonly string[], columns?: number): CliRun;
}

export function servedStartTests(cli: StartUnderTest): void {
  it('is what the bin loads', () => {
    expect(binBundleDir(join(cli.packageDir, 'bin', cli.bin))).toBe(CLI_BUNDLE_DIR);
  });

  it.each([
    undefined,
    ...SERVED_WIDTHS,
  ])('serves a plain --help exactly as the parser prints it live (stdout %s columns wide)', async (columns) => {
    const { served } = await cli.startModule();
    const help = served(['--help'], columns);
    expect(help).toBeDefined();
    expect(help).toBe(cli.runParser(['--help'], columns).stdout);
    const version = served(['--version'], columns);
    if (cli.servesVersion) expect(version).toBe(cli.runParser(['--version'], columns).stdout);
    else expect(version).toBeUndefined();
  });

  it.each([
    60, 119, 200,
  ])('the bin entry prints what the parser prints, served or not (stdout %s columns wide)', (columns) => {
    for (const args of [['--help'], ['--version'], [cli.subcommand, '--help'], ['--help', '-q']]) {
      expect(cli.runStart(args, columns)).toEqual(cli.runParser(args, columns));
    }
  });
}
