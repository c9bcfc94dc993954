import { availableParallelism } from 'node:os';
import type { PrecisionPlan } from '@tamkit/graph-surgery';
import { generateFeeds } from '../measure/inputs.js';
import { resolveInputShapes } from '../measure/shapes.js';
import { OrtRunner } from '../stacks/ort/ort-runner.js';
import { getStack } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import type { Feeds } from '../stacks/types.js';
import { type ModuleRunner, TRACKER_MODULES, type TrackerModule } from './module-runner.js';
import type { ModuleStacks } from './stack-spec.js';

/** Options of `openModules`. */
export interface OpenModulesOptions {
  /** Intra-op threads of the ONNX Runtime stacks. Default: ONNX Runtime's choice. */
  threads?: number;
  /** Keep outputs on the device on stacks that can (`deviceOutputs`, e.g. ort-webgpu). Default false. */
  deviceOutputs?: boolean;
  /**
   * ONNX Runtime intra-op spinning, stopped when each run returns (`stopSpinningAfterRun`): within a run, spinning
   * threads pick up op after op without a wake-up (Python's onnxruntime spins by default); after it, they leave
   * the cores to the next module and the host stages. Default: `loopSpinsByDefault()` (more than 2 cores). On the
   * 16-core GPU machine the modules without spinning took 157 ms per frame against 132 ms with it; on the shared
   * 2-core VM spinning made them slower (see the bench README). `false`: threads sleep between ops.
   */
  allowSpinning?: boolean;
  /** A precision plan per module (see `RunnerSettings.plan`); modules without one run as they are. */
  plans?: Partial<Record<TrackerModule, PrecisionPlan>>;
}

/** Creates and activates one runner per module on its assigned stack. On failure, those already active are released. */
export async function openModules(
  files: Record<TrackerModule, string>,
  stacks: ModuleStacks,
  options: OpenModulesOptions = {},
): Promise<Record<TrackerModule, Runner>> {
  const opened: Partial<Record<TrackerModule, Runner>> = {};
  try {
    for (const m of TRACKER_MODULES) {
      const runner = getStack(stacks[m]).createWith({
        ...(options.threads === undefined ? {} : { threads: options.threads }),
        ...spinSettings(options.allowSpinning ?? loopSpinsByDefault()),
        deviceOutputs: options.deviceOutputs ?? false,
        ...(options.plans?.[m] === undefined ? {} : { plan: options.plans[m] }),
      });
      await runner.activate(files[m]);
      opened[m] = runner;
      // The crash probe checks a runner's first feeds: make those the largest shapes the loop will feed (a full
      // memory bank), before the loop, so no probe lands in a timed frame and a shape-dependent crash is seen.
      if (runner instanceof OrtRunner && runner.crashProbe) {
        await runner.infer(await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 0));
      }
    }
  } catch (error) {
    await closeModules(opened);
    throw error;
  }
  return opened as Record<TrackerModule, Runner>;
}

/**
 * Whether the tracking loop's ONNX Runtime sessions spin by default: with more than 2 cores (the rule the host
 * worker follows too). On 2 cores, spinning threads compete with the JavaScript thread and with other load.
 */
export function loopSpinsByDefault(): boolean {
  return availableParallelism() > 2;
}

/** Spinning within a run, stopped when it returns; or no spinning. */
function spinSettings(spin: boolean): { allowSpinning: boolean; stopSpinningAfterRun?: boolean } {
  return spin ? { allowSpinning: true, stopSpinningAfterRun: true } : { allowSpinning: false };
}

export async function closeModules(runners: Partial<Record<TrackerModule, Runner>>): Promise<void> {
  for (const runner of Object.values(runners)) await runner?.deactivate();
}

/** Wraps a runner so the last feeds it was given can be replayed (the isolated measurement uses them). */
export function recordingRunner(runner: Runner, onFeeds: (feeds: Feeds) => void): ModuleRunner {
  return {
    get stack() {
      return runner.stack;
    },
    get capabilities() {
      return runner.capabilities;
    },
    get inputs() {
      return runner.inputs;
    },
    get outputs() {
      return runner.outputs;
    },
    infer(feeds, options) {
      onFeeds(feeds);
      return runner.infer(feeds, options);
    },
    toHost(outputs, options) {
      return runner.toHost(outputs, options);
    },
  };
}
