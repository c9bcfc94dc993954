/**
 * Whether this machine has an NVIDIA driver, and which. The installer refuses without one: the CUDA provider
 * cannot start, so installing ~230 MB would only leave a provider that fails. This is the process boundary tests
 * replace with a named double (there is no driver on the development machines).
 */
import { readFileSync } from 'node:fs';
import { probeNvidiaGpu } from '../measure/environment.js';

export type NvidiaDriver = { present: true; version: string; source: string } | { present: false; reason: string };

/** Reads the driver version out of `/proc/driver/nvidia/version` ("... Kernel Module  580.95.05  ..."). Pure. */
export function parseDriverVersion(text: string): string | undefined {
  return /Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** The newest CUDA major version a driver runs (CUDA 13 needs R580, CUDA 12 R525); undefined for older drivers. Pure. */
export function cudaMajorForDriver(version: string): 12 | 13 | undefined {
  const major = Number.parseInt(version, 10);
  if (major >= 580) return 13;
  if (major >= 525) return 12;
  return undefined;
}

/** The driver of this machine: the kernel module's version file, else nvidia-smi. Never throws. */
export function probeNvidiaDriver(): NvidiaDriver {
  try {
    const version = parseDriverVersion(readFileSync('/proc/driver/nvidia/version', 'utf8'));
    if (version !== undefined) return { present: true, version, source: '/proc/driver/nvidia/version' };
  } catch {
    // no kernel module loaded (or not Linux): ask nvidia-smi
  }
  const gpu = probeNvidiaGpu();
  if (gpu?.driver !== undefined) return { present: true, version: gpu.driver, source: `nvidia-smi (${gpu.name})` };
  return {
    present: false,
    reason: 'no NVIDIA driver: /proc/driver/nvidia/version does not exist and nvidia-smi is not on PATH',
  };
}
