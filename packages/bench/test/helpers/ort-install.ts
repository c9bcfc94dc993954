/**
 * Installs to install providers into, for the CUDA installer and provider-probe tests: stand-in onnxruntime-node
 * layouts (pnpm and npm), a working copy of the real onnxruntime-node package (so child processes load ORT from a
 * folder the test owns), stand-in provider packages with their own pins, and the real CUDA 13 provider package
 * when a previous download left it in the cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, link, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as createTar } from 'tar';
import {
  CUDA13_NPM_SOURCE,
  isStagingFolder,
  type NvidiaDriver,
  ortPackageDir,
  PROVIDER_LIBRARIES,
  type ProviderSource,
} from '../../src/index.js';

const BINDING = join('bin', 'napi-v6', process.platform, process.arch);

/** A stand-in onnxruntime-node package (package.json and a binding file, nothing that loads) at `packageDir`. */
export async function standInOrtPackage(packageDir: string, version = '1.30.0'): Promise<string> {
  await mkdir(join(packageDir, BINDING), { recursive: true });
  await writeFile(join(packageDir, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version }));
  await writeFile(join(packageDir, BINDING, 'onnxruntime_binding.node'), 'stand-in binding');
  return join(packageDir, BINDING);
}

/**
 * An install with two onnxruntime-node packages, as pnpm (under node_modules/.pnpm, linked from a workspace
 * package) and npm (nested under another package) lay them out. Returns their binding folders, sorted by path.
 */
export async function standInInstall(root: string): Promise<string[]> {
  const pnpm = join(root, 'node_modules', '.pnpm', 'onnxruntime-node@1.30.0', 'node_modules', 'onnxruntime-node');
  const nested = join(root, 'app', 'node_modules', 'some-tool', 'node_modules', 'onnxruntime-node');
  const bindings = [await standInOrtPackage(pnpm), await standInOrtPackage(nested, '1.29.0')];
  await mkdir(join(root, 'packages', 'bench', 'node_modules'), { recursive: true });
  await symlink(pnpm, join(root, 'packages', 'bench', 'node_modules', 'onnxruntime-node'));
  return bindings.sort((a, b) => a.localeCompare(b));
}

/**
 * A copy of the real onnxruntime-node package under `root/node_modules` whose binding files are hard links (no
 * 50 MB copy), so ORT loaded from it looks for provider libraries in a folder the test owns.
 */
export async function copyRealOrt(root: string): Promise<string> {
  const real = ortPackageDir()!;
  const copy = join(root, 'node_modules', 'onnxruntime-node');
  await mkdir(join(copy, BINDING), { recursive: true });
  for (const entry of ['package.json', 'dist', 'lib', 'script'])
    await cp(join(real, entry), join(copy, entry), { recursive: true });
  for (const file of readdirSync(join(real, BINDING))) {
    if (file.startsWith('libonnxruntime_providers_')) continue;
    await link(join(real, BINDING, file), join(copy, BINDING, file)).catch(() =>
      cp(join(real, BINDING, file), join(copy, BINDING, file)),
    );
  }
  // onnxruntime-node's own dependency resolves from the copy's node_modules.
  await symlink(join(dirname(real), 'onnxruntime-common'), join(root, 'node_modules', 'onnxruntime-common'));
  return copy;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A stand-in of the CUDA 13 npm package (the same layout, small made-up libraries) and a source pinning it. */
export async function standInProviderPackage(dir: string): Promise<{ tarball: string; source: ProviderSource }> {
  const libDir = join(dir, 'package', 'Plugins', 'Linux', 'x64');
  await mkdir(libDir, { recursive: true });
  await writeFile(join(dir, 'package', 'package.json'), JSON.stringify({ name: 'stand-in-gpu', version: '0.0.1' }));
  const files = Object.values(PROVIDER_LIBRARIES).map((name) => {
    const bytes = `stand-in ${name}: not a library\n`;
    return { name, bytes, sha256: sha256(bytes) };
  });
  for (const f of files) await writeFile(join(libDir, f.name), f.bytes);
  const tarball = join(dir, 'stand-in-gpu-0.0.1.tgz');
  await createTar({ gzip: true, file: tarball, cwd: dir, portable: true }, ['package']);
  return {
    tarball,
    source: {
      ...CUDA13_NPM_SOURCE,
      id: 'stand-in-cuda13',
      ortVersion: '1.29.0',
      npm: {
        ...CUDA13_NPM_SOURCE.npm!,
        name: 'stand-in-gpu',
        version: '0.0.1',
        tarballSha256: sha256(readFileSync(tarball)),
      },
      files: files.map(({ name, sha256 }) => ({ name, sha256 })),
    },
  };
}

/** Test double of the driver boundary: the driver an H200 machine of this project reports. */
export const driverDouble = (): NvidiaDriver => ({ present: true, version: '580.95.05', source: 'driver double' });

/** Every file of a binding folder with its SHA-256 (staging folders reported by name, so leftovers show). */
export function snapshotBinding(bindingDir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const entry of readdirSync(bindingDir)) {
    const path = join(bindingDir, entry);
    snapshot[entry] = statSync(path).isDirectory() ? 'folder' : sha256(readFileSync(path));
  }
  return snapshot;
}

/** Whether a binding folder holds a staging folder (an install that did not clean up). */
export async function hasStagingFolder(bindingDir: string): Promise<boolean> {
  return (await readdir(bindingDir)).some(isStagingFolder);
}

/**
 * The real CUDA 13 provider package (`npm pack com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9`, 180 MB) when a
 * previous download left it in `TAMKIT_CUDA_PACKAGE` or ~/.cache/tamkit-device/npm; otherwise why not.
 */
export function cachedCudaPackage(): { tarball: string } | { reason: string } {
  const name = `${CUDA13_NPM_SOURCE.npm!.name}-${CUDA13_NPM_SOURCE.npm!.version}.tgz`;
  const candidates = [process.env.TAMKIT_CUDA_PACKAGE, join(homedir(), '.cache', 'tamkit-device', 'npm', name)];
  const tarball = candidates.find((c): c is string => c !== undefined && existsSync(c));
  if (tarball) return { tarball };
  return {
    reason:
      `the CUDA 13 provider package is not cached (run \`npm pack ${CUDA13_NPM_SOURCE.npm!.name}@${CUDA13_NPM_SOURCE.npm!.version}\` ` +
      'in ~/.cache/tamkit-device/npm, or set TAMKIT_CUDA_PACKAGE=/path/to/the.tgz)',
  };
}
