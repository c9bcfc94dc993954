import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, hostname, release, type } from 'node:os';
import { join } from 'node:path';
import { describeBenchProviders } from '../cuda/status.js';
import type { Environment } from '../report/schema.js';
import { ortVersion } from '../stacks/ort/load-ort.js';
import { readLoadedLibraries } from '../stacks/ort/loaded-libraries.js';

export interface GpuInfo {
  name: string;
  driver?: string;
  uuid?: string;
  computeCapability?: string;
}

/**
 * Parses `nvidia-smi --query-gpu=name,driver_version,uuid,compute_cap --format=csv,noheader` output: one line per
 * GPU; the first GPU is returned. Pure.
 */
export function parseNvidiaSmiGpus(text: string): GpuInfo[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [name = '', driver, uuid, cc] = line.split(',').map((f) => f.trim());
      const known = (v: string | undefined) => v !== undefined && v !== '' && !v.startsWith('[');
      return {
        name,
        ...(known(driver) ? { driver } : {}),
        ...(known(uuid) ? { uuid } : {}),
        ...(known(cc) ? { computeCapability: cc } : {}),
      };
    });
}

/** The first NVIDIA GPU, from nvidia-smi when it is installed; undefined otherwise. */
export function probeNvidiaGpu(): GpuInfo | undefined {
  const run = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,uuid,compute_cap', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (run.error !== undefined || run.status !== 0) return undefined;
  return parseNvidiaSmiGpus(run.stdout)[0];
}

/** Environment variables that change what the GPU computes or which GPU runs (recorded in reports when set). */
const GPU_ENV_VARIABLES = ['NVIDIA_TF32_OVERRIDE', 'CUDA_VISIBLE_DEVICES'];

export interface EnvironmentOptions {
  /** Intra-op threads the CPU stacks were given. */
  threads?: number;
  /** TensorRT version, when a trt-* stack reported one. */
  tensorrt?: string;
}

/**
 * Physical cores as Linux reports them (distinct physical_package_id/core_id pairs over online CPUs): ONNX
 * Runtime's default intra-op thread count. Undefined where /sys does not say (not Linux, restricted container).
 */
export function physicalCoreCount(root = '/sys/devices/system/cpu'): number | undefined {
  try {
    const pairs = new Set<string>();
    for (const entry of readdirSync(root)) {
      if (!/^cpu\d+$/.test(entry)) continue;
      const topology = join(root, entry, 'topology');
      if (!existsSync(topology)) continue;
      const core = readFileSync(join(topology, 'core_id'), 'utf8').trim();
      const pkg = readFileSync(join(topology, 'physical_package_id'), 'utf8').trim();
      pairs.add(`${pkg}:${core}`);
    }
    return pairs.size > 0 ? pairs.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a result came from: versions, CPU, GPU, host, threads, the ORT provider libraries installed and the GPU
 * libraries loaded. Call it after the runs: CUDA and cuDNN libraries load with the first session that needs them.
 */
export async function collectEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const cpuList = cpus();
  const physical = physicalCoreCount();
  const gpu = probeNvidiaGpu();
  const onnxruntime = await ortVersion();
  const providers = onnxruntime === undefined ? undefined : await describeBenchProviders(onnxruntime);
  const gpuLibraries = readLoadedLibraries();
  const warnings = providers?.warnings ?? [];
  const gpuEnv = Object.fromEntries(
    GPU_ENV_VARIABLES.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
  return {
    node: process.version,
    ...(onnxruntime === undefined ? {} : { onnxruntime }),
    ...(options.tensorrt === undefined ? {} : { tensorrt: options.tensorrt }),
    os: `${type()} ${release()} ${process.arch}`,
    cpu: {
      model: cpuList[0]?.model.trim() ?? 'unknown',
      cores: cpuList.length,
      ...(physical === undefined ? {} : { physicalCores: physical }),
    },
    ...(gpu === undefined ? {} : { gpu }),
    hostname: hostname(),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(providers === undefined || providers.present.length === 0
      ? {}
      : {
          ortProviders: {
            libraries: providers.present,
            ...(providers.providerOrtVersion === undefined ? {} : { onnxruntime: providers.providerOrtVersion }),
            ...(providers.manifest === undefined ? {} : { source: providers.manifest.source }),
          },
        }),
    ...(gpuLibraries.length === 0 ? {} : { gpuLibraries }),
    ...(Object.keys(gpuEnv).length === 0 ? {} : { gpuEnv }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}
