/**
 * `bench profile`: per module and stack, where the time goes (kernel launches, node time against wall time, what
 * ran off the requested provider, inserted copies), from one ORT profiling trace per module after warm-up runs.
 * Results are versioned and JSON-serialisable like bench reports.
 */
import type { Environment, UnavailableStack } from '../report/schema.js';
import { StackUnavailableError } from '../stacks/errors.js';
import type { KernelProfile } from '../stacks/ort/kernel-profile.js';
import { getStack, type StackName } from '../stacks/registry.js';
import { collectEnvironment } from './environment.js';
import { findModels, moduleName } from './find-models.js';
import { generateFeeds } from './inputs.js';
import { applicableUserShapes, resolveInputShapes } from './shapes.js';

export const PROFILE_REPORT_KIND = 'tamkit-profile' as const;
export const PROFILE_SCHEMA_VERSION = 1 as const;

/** One module profiled on one stack. */
export interface ModuleProfile {
  stack: string;
  module: string;
  modelPath: string;
  /** Stack options as run, input shapes, seed. */
  options: Record<string, unknown>;
  profile: KernelProfile;
  notes: string[];
}

export interface ProfileReport {
  kind: typeof PROFILE_REPORT_KIND;
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  createdAt: string;
  label?: string;
  environment: Environment;
  modules: ModuleProfile[];
  unavailable: UnavailableStack[];
}

/** Options of `profileModules`. */
export interface ProfileModulesOptions {
  stacks: readonly StackName[];
  /** An .onnx file or a directory of .onnx modules. */
  models: string;
  /** Profiled runs summarised per module (default 20). */
  runs?: number;
  /** Runs before them, in the same profiled session, left out of the summary (default 3). */
  warmupRuns?: number;
  /** Intra-op threads of the ONNX Runtime stacks (default ORT's choice). */
  threads?: number;
  /** Input shapes by input name; other dynamic dims get bench's realistic defaults. */
  shapes?: Record<string, number[]>;
  /** Seed of the generated inputs (default 0). */
  seed?: number;
  label?: string;
  onProgress?: (event: { stack: string; module: string }) => void;
}

/** Profiles every module on every stack that can profile (ONNX Runtime stacks); others are listed as unavailable. */
export async function profileModules(options: ProfileModulesOptions): Promise<ProfileReport> {
  const models = await findModels(options.models);
  const runs = options.runs ?? 20;
  const warmupRuns = options.warmupRuns ?? 3;
  const modules: ModuleProfile[] = [];
  const unavailable: UnavailableStack[] = [];
  for (const name of options.stacks) {
    const stack = getStack(name);
    const availability = await stack.probe();
    if (!availability.available) {
      unavailable.push({ stack: name, reason: availability.reason, remedy: availability.remedy });
      continue;
    }
    for (const model of models) {
      options.onProgress?.({ stack: name, module: moduleName(model) });
      const runner = stack.create((options.threads === undefined ? {} : { threads: options.threads }) as never);
      if (!runner.capabilities.placement) {
        unavailable.push({
          stack: name,
          reason: 'it does not run in this process, so there is no ONNX Runtime trace to read',
          remedy: 'Profile the ONNX Runtime stacks (ort-*); trt-* stacks report TensorRT layer times instead.',
        });
        break;
      }
      try {
        await runner.activate(model);
      } catch (error) {
        if (!(error instanceof StackUnavailableError)) throw error;
        unavailable.push({ stack: name, reason: error.reason, remedy: error.remedy ?? '' });
        break;
      }
      try {
        const resolved = resolveInputShapes(runner.inputs, applicableUserShapes(runner.inputs, options.shapes ?? {}));
        const feeds = await generateFeeds(runner.inputs, resolved, options.seed ?? 0);
        const profile = await runner.profileKernels(feeds, warmupRuns + runs, { skipRuns: warmupRuns });
        modules.push({
          stack: name,
          module: moduleName(model),
          modelPath: model,
          options: { ...runner.describeOptions(), seed: options.seed ?? 0, inputShapes: resolved.shapes },
          profile,
          notes: [...runner.notes(), ...resolved.notes.map((n) => `input ${n}`)],
        });
      } finally {
        await runner.deactivate();
      }
    }
  }
  return {
    kind: PROFILE_REPORT_KIND,
    schemaVersion: PROFILE_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    ...(options.label === undefined ? {} : { label: options.label }),
    environment: await collectEnvironment(options.threads === undefined ? {} : { threads: options.threads }),
    modules,
    unavailable,
  };
}
