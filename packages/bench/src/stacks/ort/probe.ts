import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Availability, available, unavailable } from '../availability.js';
import { describeCause } from '../errors.js';
import { loadOrt } from './load-ort.js';
import { encodeTinyModel, PROBE_MODEL } from './tiny-model.js';

/** How one ONNX Runtime execution provider is requested, recognised in profiles, and fixed when missing. */
export interface OrtProviderSpec {
  /** Backend name as `ort.listSupportedBackends()` and `executionProviders` spell it (`cpu`, `webgpu`, `cuda`, ...). */
  backend: string;
  /** Provider name as ORT's profiler writes it in `args.provider`. */
  profileName: string;
  /** Shared libraries a non-bundled provider needs next to the binding. */
  libraries: string[];
  /** What to do when the provider is missing or fails to start. */
  remedy: string;
}

const probes = new Map<string, Promise<Availability>>();

/** Where onnxruntime-node keeps its native binding and provider libraries. */
function bindingDir(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/**
 * Whether a provider can run here: it must be compiled into the binding, its libraries must be installed, and a
 * one-node session must start on it (WebGPU needs an adapter; CUDA needs a GPU). Cached per provider.
 */
export function probeOrtProvider(spec: OrtProviderSpec): Promise<Availability> {
  let probe = probes.get(spec.backend);
  if (probe === undefined) {
    probe = runProbe(spec);
    probes.set(spec.backend, probe);
  }
  return probe;
}

async function runProbe(spec: OrtProviderSpec): Promise<Availability> {
  let ort: Awaited<ReturnType<typeof loadOrt>>;
  try {
    ort = await loadOrt();
  } catch (error) {
    return unavailable(describeCause(error), 'Install dependencies with `node scripts/pnpm.mjs install`.');
  }
  const backend = ort.listSupportedBackends().find((b) => b.name === spec.backend);
  if (backend === undefined) {
    return unavailable(`this onnxruntime-node build has no ${spec.backend} execution provider`, spec.remedy);
  }
  if (!backend.bundled) {
    const dir = bindingDir();
    const missing = spec.libraries.filter((lib) => dir === undefined || !existsSync(join(dir, lib)));
    // Checking files first keeps ORT from logging a loader error for a provider that was never installed.
    if (missing.length > 0) {
      return unavailable(
        `the ${spec.backend} provider is not bundled with onnxruntime-node and ${missing.join(', ')} is not installed`,
        spec.remedy,
      );
    }
  }
  try {
    const session = await ort.InferenceSession.create(encodeTinyModel(PROBE_MODEL), {
      executionProviders: [spec.backend],
      logSeverityLevel: 4,
    });
    await session.release();
    return available(`onnxruntime-node ${ort.env.versions.node ?? ''} ${spec.backend} provider started`.trim());
  } catch (error) {
    return unavailable(`the ${spec.backend} provider failed to start: ${describeCause(error)}`, spec.remedy);
  }
}
