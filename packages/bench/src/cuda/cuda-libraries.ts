/**
 * Where the CUDA runtime, cuBLAS, cuRAND and cuDNN libraries the provider needs can be found. ONNX Runtime's
 * provider libraries carry no search path of their own: the dynamic loader finds their dependencies through
 * LD_LIBRARY_PATH and the ld.so cache, read when the process starts.
 */
import { spawnSync } from 'node:child_process';
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The libraries each provider build needs besides the driver (`libcuda.so.1`). */
export const CUDA_RUNTIME_LIBRARIES: Record<12 | 13, string[]> = {
  12: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcurand.so.10', 'libcufft.so.11', 'libcudnn.so.9'],
  13: ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10', 'libcudnn.so.9'],
};

/** `ldconfig -p` lines `\tlibcudart.so.13 (libc6,x86-64) => /usr/lib/.../libcudart.so.13` as name -> path. Pure. */
export function parseLdconfigCache(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(\S+) \([^)]*\) => (\S+)$/gm)) if (!found.has(m[1]!)) found.set(m[1]!, m[2]!);
  return found;
}

/** Where the dynamic loader would find each named library: LD_LIBRARY_PATH first, then the ld.so cache. */
export function locateLibraries(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  const cache = ldconfig.status === 0 ? parseLdconfigCache(ldconfig.stdout) : new Map<string, string>();
  const found = new Map<string, string>();
  for (const name of names) {
    const dir = dirs.find((d) => existsSync(join(d, name)));
    const path = dir === undefined ? cache.get(name) : join(dir, name);
    if (path !== undefined) found.set(name, path);
  }
  return found;
}

/** The CUDA major version whose runtime (`libcudart.so.N`) the loader can find, preferring 13; undefined if none. */
export function installedCudaRuntime(env: NodeJS.ProcessEnv = process.env): 12 | 13 | undefined {
  const found = locateLibraries(['libcudart.so.13', 'libcudart.so.12'], env);
  if (found.has('libcudart.so.13')) return 13;
  if (found.has('libcudart.so.12')) return 12;
  return undefined;
}

const CUDA_LIBRARY_FILE = /^lib(?:cudart|cublas|cublasLt|cudnn|curand|cufft)\.so\.\d+$/;

/** Folders under `dir` (at most `depth` levels down) that hold a CUDA library file. */
function foldersWithCudaLibraries(dir: string, depth: number): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const here = entries.some((e) => !e.isDirectory() && CUDA_LIBRARY_FILE.test(e.name)) ? [dir] : [];
  if (depth === 0) return here;
  return [
    ...here,
    ...entries.filter((e) => e.isDirectory()).flatMap((e) => foldersWithCudaLibraries(join(dir, e.name), depth - 1)),
  ];
}

/**
 * Folders of CUDA libraries shipped in Python wheels (`site-packages/nvidia/...`, as PyTorch installs them): not
 * on the loader's path by default, but usable through LD_LIBRARY_PATH. Empty without python3.
 */
export function pythonCudaLibraryDirs(): string[] {
  const run = spawnSync('python3', ['-c', 'import site; print("\\n".join(site.getsitepackages()))'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (run.status !== 0) return [];
  const sitePackages = run.stdout.split('\n').filter((l) => l !== '');
  return [...new Set(sitePackages.flatMap((s) => foldersWithCudaLibraries(join(s, 'nvidia'), 3)))].sort();
}
