import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The directory of the onnxruntime-node package bench loads (undefined when it is not installed). */
export function ortPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Where an onnxruntime-node package keeps its native binding for this platform; ONNX Runtime looks for provider
 * libraries (`libonnxruntime_providers_*.so`) in the same directory.
 */
export function bindingDirOf(packageDir: string): string {
  return join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
}

/** The binding directory of the onnxruntime-node package bench loads. */
export function ortBindingDir(): string | undefined {
  const dir = ortPackageDir();
  return dir === undefined ? undefined : bindingDirOf(dir);
}
