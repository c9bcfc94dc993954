import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Availability, available, unavailable } from '../availability.js';
import { describeCause } from '../errors.js';
import { loadOrt, ortLogLevel, ortSessionSeverity } from './load-ort.js';
import { describeLoadedLibraries } from './loaded-libraries.js';
import { missingLibraries, remedyForMissingLibraries } from './ort-log.js';
import { bindingDirOf, ortPackageDir } from './ort-package.js';
import { describeProbeFailure, probeProviderInChild } from './provider-probe.js';
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

/**
 * Whether a provider can run here: it must be compiled into the binding, its libraries must be installed, and a
 * one-node session must start on it (WebGPU needs an adapter; CUDA needs a GPU). Cached per provider.
 * GPU providers are started in a child process: what ORT (and WebGPU's Dawn) log while loading them (a missing
 * library, no adapter) is captured into the reason instead of reaching stderr, and a provider library that crashes
 * the process only takes the child down.
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
  // Every provider but the CPU one starts in a child: ORT's and Dawn's loader messages stay out of our output.
  if (spec.backend !== 'cpu') return probeInChild(spec, backend.bundled);
  try {
    const session = await ort.InferenceSession.create(encodeTinyModel(PROBE_MODEL), {
      executionProviders: [spec.backend],
      logSeverityLevel: ortSessionSeverity(),
    });
    await session.release();
    return available(`onnxruntime-node ${ort.env.versions.node ?? ''} ${spec.backend} provider started`.trim());
  } catch (error) {
    return unavailable(`the ${spec.backend} provider failed to start: ${describeCause(error)}`, spec.remedy);
  }
}

async function probeInChild(spec: OrtProviderSpec, bundled: boolean): Promise<Availability> {
  const packageDir = ortPackageDir();
  const dir = packageDir === undefined ? undefined : bindingDirOf(packageDir);
  const missing = bundled ? [] : spec.libraries.filter((lib) => dir === undefined || !existsSync(join(dir, lib)));
  // Checking files first keeps ORT from even trying a provider that was never installed.
  if (packageDir === undefined || missing.length > 0) {
    return unavailable(
      `the ${spec.backend} provider is not bundled with onnxruntime-node and ${missing.join(', ')} is not installed`,
      spec.remedy,
    );
  }
  const result = await probeProviderInChild({
    ortPackage: packageDir,
    backend: spec.backend,
    logLevel: ortLogLevel() === 'verbose' ? 'verbose' : 'warning',
  });
  if (!result.started) {
    const remedy = remedyForMissingLibraries(missingLibraries([...result.ortLog, result.error ?? '']));
    return unavailable(
      `the ${spec.backend} provider failed to start: ${describeProbeFailure(result)}`,
      remedy ?? spec.remedy,
    );
  }
  const libraries = result.libraries.filter((l) => !l.name.startsWith('libonnxruntime'));
  return available(
    `onnxruntime-node ${result.ortVersion ?? ''} ${spec.backend} provider started in a probe process` +
      (libraries.length > 0 ? `; loaded ${describeLoadedLibraries(libraries)}` : ''),
  );
}
