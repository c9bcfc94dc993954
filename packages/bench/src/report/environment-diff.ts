import type { Environment } from './schema.js';

/** One environment field that differs between two reports. */
export interface EnvironmentDifference {
  field: string;
  baseline: string;
  current: string;
}

/**
 * The fields that make timings incomparable when they differ: runtime versions, CPU model and core count, the
 * CPU thread setting, GPU and driver. Host name and OS string are left out on purpose: CI runners of one label
 * get new host names and kernel patch levels all the time without changing what they measure.
 */
const COMPARED_FIELDS: { field: string; read: (env: Environment) => unknown }[] = [
  { field: 'node', read: (env) => env.node },
  { field: 'onnxruntime', read: (env) => env.onnxruntime },
  { field: 'tensorrt', read: (env) => env.tensorrt },
  { field: 'cpu.model', read: (env) => env.cpu?.model },
  { field: 'cpu.cores', read: (env) => env.cpu?.cores },
  { field: 'threads', read: (env) => env.threads },
  { field: 'gpu.name', read: (env) => env.gpu?.name },
  { field: 'gpu.driver', read: (env) => env.gpu?.driver },
  { field: 'ortProviders.onnxruntime', read: (env) => env.ortProviders?.onnxruntime },
  { field: 'gpuEnv.NVIDIA_TF32_OVERRIDE', read: (env) => env.gpuEnv?.NVIDIA_TF32_OVERRIDE },
  {
    field: 'gpuLibraries',
    read: (env) => env.gpuLibraries?.map((l) => `${l.name}${l.version ? `.${l.version}` : ''}`).join(' '),
  },
];

function show(value: unknown): string {
  return value === undefined || value === null ? '(none)' : String(value);
}

/** Lists the fields (of those that affect timings) whose values differ between two environments. */
export function diffEnvironments(baseline: Environment, current: Environment): EnvironmentDifference[] {
  return COMPARED_FIELDS.flatMap(({ field, read }) => {
    const a = show(read(baseline));
    const b = show(read(current));
    return a === b ? [] : [{ field, baseline: a, current: b }];
  });
}

/** The fields `diffEnvironments` compares, read from one environment (`(none)` where unset). */
export function environmentFields(env: Environment): { field: string; value: string }[] {
  return COMPARED_FIELDS.map(({ field, read }) => ({ field, value: show(read(env)) }));
}

/** The names of the environment fields `diffEnvironments` compares, for documentation and help text. */
export const COMPARED_ENVIRONMENT_FIELDS: readonly string[] = COMPARED_FIELDS.map((f) => f.field);
