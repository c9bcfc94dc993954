// Publishing: each package packs into a tarball that installs into an empty project and whose CLI answers
// --help and a command's --help. The five are packed with pnpm (which turns `workspace:^` into the version each
// depends on, as publishing does) and installed together with npm, as a user would; onnxruntime-node's
// postinstall, which downloads CUDA provider binaries from NuGet, is skipped with ONNXRUNTIME_NODE_INSTALL=skip as
// the READMEs say. Third-party
// packages come from npm's cache or the npm registry: where neither can serve them the install test is skipped
// with the reason printed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const PACKAGES = [
  { dir: 'common', name: '@tamkit/common', bin: undefined, command: undefined },
  { dir: 'graph-surgery', name: '@tamkit/graph-surgery', bin: 'graph-surgery', command: 'convert' },
  { dir: 'engine-builder', name: '@tamkit/engine-builder', bin: 'engine-builder', command: 'parse' },
  { dir: 'bench', name: '@tamkit/bench', bin: 'bench', command: 'list' },
  { dir: 'eval', name: '@tamkit/eval', bin: 'track-eval', command: 'score' },
] as const;
/** npm's words for "the registry could not be reached" (as opposed to a broken package). */
const OFFLINE = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i;

let work: string;
let tarballs: string[] = [];
const unbuilt = PACKAGES.filter((p) => !existsSync(join(root, 'packages', p.dir, 'dist', 'index.js')));

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 540_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tamkit-pack-'));
  if (unbuilt.length > 0) return;
  // One pnpm run packs them all (each pnpm start through `npm exec` costs seconds).
  const packed = run(
    process.execPath,
    [join(root, 'scripts', 'pnpm.mjs'), '-r', 'pack', '--pack-destination', work],
    root,
  );
  if (packed.status !== 0) throw new Error(`pnpm -r pack failed:\n${packed.output}`);
  tarballs = readdirSync(work)
    .filter((f) => f.endsWith('.tgz'))
    .sort();
}, 300_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('npm pack + npm install of the five packages', () => {
  it('packs each package with its build, bin, README and LICENSE, and no workspace: ranges', (ctx) => {
    if (unbuilt.length > 0) {
      console.log(`skipped: ${unbuilt.map((p) => p.dir).join(', ')} not built (run npm run build first)`);
      ctx.skip();
    }
    expect(tarballs).toHaveLength(PACKAGES.length);
    for (const tarball of tarballs) {
      const files = run('tar', ['-tzf', join(work, tarball)], work).output.split('\n');
      for (const file of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js']) {
        expect(files, `${tarball} lacks ${file}`).toContain(file);
      }
      const pkg = PACKAGES.find((p) => tarball.startsWith(p.name.replace('@', '').replace('/', '-')))!;
      expect(files.some((f) => f.startsWith('package/bin/'))).toBe(pkg.bin !== undefined);
      expect(files.some((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toBe(false);
      const manifest = run('tar', ['-xzOf', join(work, tarball), 'package/package.json'], work).output;
      expect(manifest).not.toContain('workspace:');
    }
  });

  it('installs into an empty project without NuGet, and every CLI answers --help', async (ctx) => {
    if (unbuilt.length > 0) {
      console.log(`skipped: ${unbuilt.map((p) => p.dir).join(', ')} not built (run npm run build first)`);
      ctx.skip();
    }
    const project = join(work, 'project');
    await writeFile(join(work, 'package.json'), '{}');
    await rm(project, { recursive: true, force: true });
    run('mkdir', ['-p', project], work);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'empty', private: true, type: 'module' }));
    const env = {
      ...process.env,
      ONNXRUNTIME_NODE_INSTALL: 'skip',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const installed = run(
      'npm',
      ['install', '--prefer-offline', '--no-package-lock', ...tarballs.map((t) => join(work, t))],
      project,
      env,
    );
    if (installed.status !== 0 && OFFLINE.test(installed.output)) {
      console.log(`skipped: npm could not reach its registry or cache:\n${installed.output.slice(-600)}`);
      ctx.skip();
    }
    expect(installed.status, installed.output).toBe(0);

    for (const pkg of PACKAGES) {
      const manifest = join(project, 'node_modules', ...pkg.name.split('/'), 'package.json');
      const source = join(root, 'packages', pkg.dir, 'package.json');
      expect(JSON.parse(readFileSync(manifest, 'utf8')).version).toBe(JSON.parse(readFileSync(source, 'utf8')).version);
      if (pkg.bin === undefined) continue;
      const help = run(join(project, 'node_modules', '.bin', pkg.bin), ['--help'], project, env);
      expect(help.status, `${pkg.bin} --help:\n${help.output}`).toBe(0);
      expect(help.output).toContain('Commands:');
      // A command's help runs the parser itself (a plain --help may be answered from text recorded at build time).
      const commandHelp = run(join(project, 'node_modules', '.bin', pkg.bin), [pkg.command!, '--help'], project, env);
      expect(commandHelp.status, `${pkg.bin} ${pkg.command} --help:\n${commandHelp.output}`).toBe(0);
      expect(commandHelp.output).toContain('Options:');
    }
    // The library entry points resolve from the installed packages.
    const imported = run(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('@tamkit/eval'); console.log(typeof m.scoreSequence);"],
      project,
      env,
    );
    expect(imported.output.trim()).toBe('function');
    // The postinstall was skipped: no CUDA provider library was fetched.
    const ortBin = join(project, 'node_modules', 'onnxruntime-node', 'bin');
    const found = run('find', [ortBin, '-name', '*providers_cuda*'], project).output.trim();
    expect(found).toBe('');
  }, 600_000);
});
