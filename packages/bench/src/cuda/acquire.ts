/**
 * Getting provider libraries into a work folder: from npm (`npm pack`, the user's registry settings apply), from
 * onnxruntime-node's own installer (NuGet), or from a local folder or tarball (machines without network).
 * Nothing here touches an onnxruntime-node install; `install.ts` stages and commits what this returns.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { extract } from 'tar';
import { runProcess } from '../stacks/ort/run-process.js';

/** Error codes of the provider installer. */
export const CudaInstallErrorCode = {
  NoDriver: 'CUDA_NO_DRIVER',
  NoBinding: 'CUDA_NO_ORT_BINDING',
  Download: 'CUDA_PROVIDER_DOWNLOAD',
  Checksum: 'CUDA_PROVIDER_CHECKSUM',
  Missing: 'CUDA_PROVIDER_FILES_MISSING',
  Commit: 'CUDA_PROVIDER_INSTALL',
} as const;

/** SHA-256 of a file, hex. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Runs a command, resolving to its stdout; a failure rejects with its stderr. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await runProcess(command, args, { env });
  if (!result.ok) throw new Error(`${command} ended with ${result.exit}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** `npm pack SPEC` into `dir` (the network boundary of the CUDA 13 route); resolves to the tarball's path. */
export async function packNpmPackage(spec: string, dir: string): Promise<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let stdout: string;
  try {
    stdout = await run(npm, ['pack', spec, '--pack-destination', dir, '--json', '--silent']);
  } catch (error) {
    throw new ToolkitError(CudaInstallErrorCode.Download, `npm pack ${spec} failed: ${(error as Error).message}`, {
      remedy:
        'Check that this machine reaches the npm registry (or your mirror). Offline: run `npm pack ' +
        `${spec}\` where there is network and pass the .tgz with --from.`,
      cause: error,
    });
  }
  const packed = JSON.parse(stdout) as { filename: string }[];
  return join(dir, packed[0]!.filename);
}

/** Extracts the named files of `libraryDir` inside a tarball into `dest` (flat). */
export async function extractLibraries(tarball: string, libraryDir: string, names: readonly string[], dest: string) {
  const wanted = new Set(names.map((n) => `${libraryDir}/${n}`));
  await mkdir(dest, { recursive: true });
  await extract({
    file: tarball,
    cwd: dest,
    strip: libraryDir.split('/').length,
    filter: (path) => wanted.has(path.replace(/^\.\//, '')),
  });
}

/**
 * Runs onnxruntime-node's own installer (`script/install.js`, which fetches Microsoft's NuGet GPU package) on a
 * copy of the package in `work`, so that what it downloads lands there and not in the live install. Resolves to
 * the folder holding the libraries it wrote.
 */
export async function runOrtInstaller(
  ortPackageDir: string,
  value: string,
  work: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const staged = join(work, 'onnxruntime-node');
  await mkdir(staged, { recursive: true });
  await cp(join(ortPackageDir, 'package.json'), join(staged, 'package.json'));
  await cp(join(ortPackageDir, 'script'), join(staged, 'script'), { recursive: true });
  // The script's own dependencies (adm-zip, global-agent) resolve from the real package's neighbourhood.
  const nodePath = [join(ortPackageDir, 'node_modules'), dirname(ortPackageDir), env.NODE_PATH ?? '']
    .filter((p) => p !== '')
    .join(':');
  // Without npm's lifecycle variables: onnxruntime-node 1.30's script drops the ONNXRUNTIME_NODE_INSTALL value it
  // parses (its `default:` case returns nothing), falls back to its platform default (cuda12 on linux/x64), and then
  // exits quietly when npm_config_local_prefix and npm_package_json say "a local install" (any `npm run`/`npx`).
  const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('npm_')));
  try {
    await run(process.execPath, [join(staged, 'script', 'install.js')], {
      ...childEnv,
      ONNXRUNTIME_NODE_INSTALL: value,
      NODE_PATH: nodePath,
    });
  } catch (error) {
    throw new ToolkitError(
      CudaInstallErrorCode.Download,
      `onnxruntime-node's installer (ONNXRUNTIME_NODE_INSTALL=${value}) failed: ${(error as Error).message}`,
      {
        remedy:
          'It downloads from NuGet (api.nuget.org; proxies through GLOBAL_AGENT_HTTPS_PROXY). Offline: install on a ' +
          'machine with network and pass the folder of its libonnxruntime_providers_*.so files with --from.',
        cause: error,
      },
    );
  }
  return join(staged, 'bin', 'napi-v6', process.platform, process.arch);
}

/** Files named `names` anywhere under `dir` (at most `depth` levels down): name -> path. */
export async function findFilesByName(dir: string, names: readonly string[], depth = 6): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (d: string, level: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isFile() && names.includes(e.name) && !found.has(e.name)) found.set(e.name, path);
      else if (e.isDirectory() && level > 0) await visit(path, level - 1);
    }
  };
  if ((await stat(dir)).isFile()) {
    if (names.includes(basename(dir))) found.set(basename(dir), dir);
    return found;
  }
  await visit(dir, depth);
  return found;
}
