/**
 * Runs a package's command line as its build bundles it (scripts/bundle-cli.mjs), for the tests that check the
 * bundle behaves as the modules it was made from. The bundle is written afresh beside dist/cli-bundle (same depth,
 * so `../../package.json` resolves as it does for the real one) and removed by `remove`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCli, CLI_BUNDLE_DIR, SERVED_WIDTHS, serveOnly } from '../../scripts/bundle-cli.mjs';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BundledCli {
  /** Runs `main(args)` of the fresh bundle in a child process. */
  run(args: readonly string[], cwd?: string): CliRun;
  /** Runs `start(args)` of the fresh bundle's start.js (the bin's entry) with stdout `columns` wide. */
  runStart(args: readonly string[], columns?: number): CliRun;
  /** Runs `main(args)` of the fresh bundle with stdout `columns` wide. */
  runColumns(args: readonly string[], columns?: number): CliRun;
  /** Runs `main(args)` of dist/cli/index.js, the unbundled modules, in a child process. */
  runModules(args: readonly string[], cwd?: string): CliRun;
  /** The fresh bundle's start.js, imported here: `served(argv, columns)` is the text it answers with. */
  startModule(): Promise<{ served(argv: readonly string[], columns: number | undefined): string | undefined }>;
  /** The run-time imports of every bundle file (`from"x"` and `import("x")`), relative ones left out. */
  imports(): string[];
  remove(): void;
}

/** Why the bundle cannot be made here (no build yet), or undefined when it can. */
export function unbuiltReason(packageDir: string): string | undefined {
  return existsSync(join(packageDir, 'dist', 'cli', 'index.js'))
    ? undefined
    : `${packageDir}/dist not built (run npm run build first)`;
}

/** Runs `main` (or `start`) of a bundle file with stdout `columns` wide (undefined: a pipe, as spawnSync gives). */
function runEntry(entry: string, args: readonly string[], cwd: string, columns?: number, fn = 'main'): CliRun {
  const code = `${columns === undefined ? '' : `Object.defineProperty(process.stdout, 'columns', { value: ${columns} });`}
const { ${fn}: run } = await import(${JSON.stringify(pathToFileURL(entry).href)});
process.exitCode = await run(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function bundleForTest(packageDir: string, inline: readonly string[]): Promise<BundledCli> {
  const outdir = join(packageDir, 'dist', `cli-bundle-test-${process.pid}`);
  await bundleCli({ packageDir, inline, outdir });
  return {
    run: (args, cwd = packageDir) => runEntry(join(outdir, 'index.js'), args, cwd),
    runStart: (args, columns) => runEntry(join(outdir, 'start.js'), args, packageDir, columns, 'start'),
    runColumns: (args, columns) => runEntry(join(outdir, 'index.js'), args, packageDir, columns),
    runModules: (args, cwd = packageDir) => runEntry(join(packageDir, 'dist', 'cli', 'index.js'), args, cwd),
    startModule: () => import(pathToFileURL(join(outdir, 'start.js')).href),
    imports: () =>
      readdirSync(outdir)
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => [...readFileSync(join(outdir, f), 'utf8').matchAll(/(?:from\s*|import\(\s*)"([^".][^"]*)"/g)])
        .map((m) => m[1]!),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** A CLI left unbundled behind a fresh start.js (`bundle-cli --serve-only`), for the tests of what it serves. */
export interface ServedCli {
  /** Runs `start(args)` of the fresh start.js with stdout `columns` wide. */
  runStart(args: readonly string[], columns?: number): CliRun;
  /** Runs `main(args)` of dist/cli/index.js with stdout `columns` wide. */
  runModules(args: readonly string[], columns?: number): CliRun;
  startModule(): Promise<{ served(argv: readonly string[], columns: number | undefined): string | undefined }>;
  remove(): void;
}

export function serveOnlyForTest(packageDir: string, version: boolean): ServedCli {
  const outdir = join(packageDir, 'dist', `cli-bundle-test-${process.pid}`);
  serveOnly({ packageDir, outdir, version });
  return {
    runStart: (args, columns) => runEntry(join(outdir, 'start.js'), args, packageDir, columns, 'start'),
    runModules: (args, columns) => runEntry(join(packageDir, 'dist', 'cli', 'index.js'), args, packageDir, columns),
    startModule: () => import(pathToFileURL(join(outdir, 'start.js')).href),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The bundle folder whose start.js the bin imports, read from the bin itself. */
export function binBundleDir(binFile: string): string | undefined {
  return /import\('\.\.\/(.+)\/start\.js'\)/.exec(readFileSync(binFile, 'utf8'))?.[1];
}

export { CLI_BUNDLE_DIR, SERVED_WIDTHS };
