import { ToolkitError } from '@tamkit/common';
import { RunnerErrorCode } from '../errors.js';

/** The onnxruntime-node module, loaded on first use so that importing bench never loads native code. */
export type OrtModule = typeof import('onnxruntime-node');

let loading: Promise<OrtModule> | undefined;

/** Loads onnxruntime-node once. Throws a typed error (with remedy) when the package or its binding is missing. */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').catch((error: unknown) => {
    loading = undefined;
    throw new ToolkitError(RunnerErrorCode.Unavailable, `onnxruntime-node could not be loaded: ${String(error)}`, {
      remedy:
        'Install dependencies with `node scripts/pnpm.mjs install`; onnxruntime-node ships Linux x64/arm64 builds.',
      cause: error,
    });
  });
  return loading;
}

/** The ONNX Runtime version reported by the loaded package, or undefined when it cannot load. */
export async function ortVersion(): Promise<string | undefined> {
  try {
    const ort = await loadOrt();
    return ort.env.versions.node ?? ort.env.versions.common;
  } catch {
    return undefined;
  }
}
