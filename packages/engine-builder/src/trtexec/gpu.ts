import { ToolkitError } from '@tamkit/common';
import { runProcess } from './process.js';
import { type InventoryGpu, resolveCudaDevice } from './visible-devices.js';

/** The GPU an engine is built for: engines are not portable across GPU models, drivers or TensorRT versions. */
export interface GpuIdentity {
  name: string;
  /** e.g. "9.0". */
  computeCapability: string;
  /** e.g. "GPU-5a1c...". */
  uuid: string;
  driverVersion: string;
}

export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,pci.bus_id,name,compute_cap,uuid,driver_version',
  '--format=csv,noheader',
];

const GPU_REMEDY =
  'Install the NVIDIA driver (nvidia-smi comes with it), or pass --gpu "name,compute_cap,uuid,driver_version" explicitly.';

/** Parses one `name, compute_cap, uuid, driver_version` record (nvidia-smi CSV, or a --gpu override). */
export function parseGpuRecord(line: string): GpuIdentity {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length !== 4 || fields.some((f) => f.length === 0)) {
    throw new ToolkitError(
      'GPU_RECORD_INVALID',
      `Expected "name, compute_cap, uuid, driver_version", got ${JSON.stringify(line)}`,
      {
        remedy: GPU_REMEDY,
      },
    );
  }
  const [name, computeCapability, uuid, driverVersion] = fields as [string, string, string, string];
  if (!/^\d+\.\d+$/.test(computeCapability)) {
    throw new ToolkitError(
      'GPU_RECORD_INVALID',
      `Compute capability ${JSON.stringify(computeCapability)} is not like "9.0"`,
      {
        remedy: GPU_REMEDY,
      },
    );
  }
  return { name, computeCapability, uuid, driverVersion };
}

/** Parses `nvidia-smi --query-gpu=index,pci.bus_id,name,compute_cap,uuid,driver_version --format=csv,noheader`. */
export function parseNvidiaSmiGpus(text: string): InventoryGpu[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0)
    .map((line) => {
      const fields = line.split(',').map((f) => f.trim());
      if (fields.length !== 6 || !/^\d+$/.test(fields[0]!)) {
        throw new ToolkitError('GPU_RECORD_INVALID', `Unexpected nvidia-smi line ${JSON.stringify(line)}`, {
          remedy: GPU_REMEDY,
        });
      }
      const [index, pciBusId, ...identity] = fields as [string, string, string, string, string, string];
      return { index: Number(index), pciBusId, ...parseGpuRecord(identity.join(', ')) };
    });
}

/**
 * Asks nvidia-smi for the identity of the GPU trtexec's `--device` index means: the index counts the devices CUDA
 * sees under `env`'s CUDA_VISIBLE_DEVICES, in CUDA's device order (see visible-devices.ts), which is what trtexec
 * (started with the same environment) will use.
 */
export async function queryGpu(
  options: { device?: number; nvidiaSmi?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<GpuIdentity> {
  const env = options.env ?? process.env;
  const result = await runProcess(options.nvidiaSmi ?? 'nvidia-smi', NVIDIA_SMI_ARGS, {
    timeoutMs: 30_000,
    what: 'nvidia-smi (needed to key the engine cache by GPU)',
    remedy: GPU_REMEDY,
    env,
  });
  if (result.exitCode !== 0) {
    throw new ToolkitError(
      'GPU_QUERY_FAILED',
      `nvidia-smi exited with code ${result.exitCode}: ${result.output.trim()}`,
      {
        remedy: GPU_REMEDY,
      },
    );
  }
  const gpu = resolveCudaDevice(parseNvidiaSmiGpus(result.output), options.device ?? 0, env);
  return {
    name: gpu.name,
    computeCapability: gpu.computeCapability,
    uuid: gpu.uuid,
    driverVersion: gpu.driverVersion,
  };
}
