import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A GPU runtime library a process had mapped: which CUDA, cuDNN, TensorRT or ORT provider file really loaded. */
export interface LoadedLibrary {
  /** Library name without the `.so` suffix, e.g. `libcudnn`, `libcublasLt`, `libonnxruntime_providers_cuda`. */
  name: string;
  /** The version digits after `.so.` in the file name (`13` for `libcudart.so.13`), when the name carries them. */
  version?: string;
  /** The file as mapped (symbolic links resolved by the loader). */
  path: string;
}

// The driver (libcuda), the CUDA runtime and math libraries, cuDNN and its sub-libraries, NVRTC/JIT link, TensorRT,
// and ONNX Runtime's provider libraries: what decides which GPU code a session really runs.
const GPU_LIBRARY =
  /^(libcuda|libcudart|libcublas|libcublasLt|libcudnn(?:_[a-z_]+)?|libcurand|libcufft|libcusparse|libnvrtc(?:-builtins)?|libnvJitLink|libnvinfer(?:_[a-z_]+)?|libnvonnxparser|libonnxruntime_providers_[a-z]+)\.so(?:\.([0-9][0-9.]*))?$/;

/**
 * The GPU runtime libraries in the text of a `/proc/<pid>/maps` file, one entry per distinct path, in the order
 * they appear. Pure.
 */
export function parseLoadedLibraries(maps: string): LoadedLibrary[] {
  const seen = new Set<string>();
  const libraries: LoadedLibrary[] = [];
  for (const line of maps.split('\n')) {
    // address perms offset dev inode path: the path is the sixth field and may contain spaces.
    const path = line.trim().split(/\s+/).slice(5).join(' ');
    if (!path.startsWith('/') || seen.has(path)) continue;
    const match = GPU_LIBRARY.exec(basename(path));
    if (match === null) continue;
    seen.add(path);
    libraries.push({ name: match[1]!, ...(match[2] === undefined ? {} : { version: match[2] }), path });
  }
  return libraries;
}

/** The GPU runtime libraries this process has mapped now (empty where `/proc/self/maps` does not exist). */
export function readLoadedLibraries(): LoadedLibrary[] {
  try {
    return parseLoadedLibraries(readFileSync('/proc/self/maps', 'utf8'));
  } catch {
    return [];
  }
}

/** One line per library, e.g. `libcudnn 9 (/usr/lib/.../libcudnn.so.9)`. */
export function describeLoadedLibraries(libraries: readonly LoadedLibrary[]): string {
  return libraries.map((l) => `${l.name}${l.version ? ` ${l.version}` : ''} (${l.path})`).join(', ');
}
