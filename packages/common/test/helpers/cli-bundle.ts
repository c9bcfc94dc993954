/**
 * Runs a package's command line as its build bundles it (scripts/bundle-cli.mjs), for the tests that check the
 * bundle behaves as the modules it was made from. The bundle is written afresh beside dist/cli-bundle (same depth,
 * so `../../package.json` resolves as it does for the real one) and removed by `remove`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCli, CLI_BUNDLE_DIR } from '../../scripts/bundle-cli.mjs';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BundledCli {
  /** Runs `main(args)` of the fresh bundle in a child process. */
  run(args: readonly string[], cwd?: string): CliRun;
  /** Runs `main(args)` of dist/cli/index.js, the unbundled modules, in a child process. */
  runModules(args: readonly string[], cwd?: string): CliRun;
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

function runEntry(entry: string, args: readonly string[], cwd: string): CliRun {
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(entry).href)});
process.exitCode = await main(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '100' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function bundleForTest(packageDir: string, inline: readonly string[]): Promise<BundledCli> {
  const outdir = join(packageDir, 'dist', `cli-bundle-test-${process.pid}`);
  await bundleCli({ packageDir, inline, outdir });
  return {
    run: (args, cwd = packageDir) => runEntry(join(outdir, 'index.js'), args, cwd),
    runModules: (args, cwd = packageDir) => runEntry(join(packageDir, 'dist', 'cli', 'index.js'), args, cwd),
    imports: () =>
      readdirSync(outdir)
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => [...readFileSync(join(outdir, f), 'utf8').matchAll(/(?:from\s*|import\(\s*)"([^".][^"]*)"/g)])
        .map((m) => m[1]!),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The bundle folder the bin of `packageDir` imports, read from the bin itself. */
export function binBundleDir(binFile: string): string | undefined {
  return /import\('\.\.\/(.+)\/index\.js'\)/.exec(readFileSync(binFile, 'utf8'))?.[1];
}

export { CLI_BUNDLE_DIR };
