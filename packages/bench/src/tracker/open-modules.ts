import type { PrecisionPlan } from '@tamkit/graph-surgery';
import { generateFeeds } from '../measure/inputs.js';
import { resolveInputShapes } from '../measure/shapes.js';
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
   * ONNX Runtime intra-op spinning. Default false here: the four sessions take turns, and a spinning pool left
   * behind by one module slows the next module and the host stages (measured several-fold on a 2-core machine).
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
        allowSpinning: options.allowSpinning ?? false,
        deviceOutputs: options.deviceOutputs ?? false,
        ...(options.plans?.[m] === undefined ? {} : { plan: options.plans[m] }),
      });
      await runner.activate(files[m]);
      opened[m] = runner;
      // The crash probe checks a runner's first feeds: make those the largest shapes the loop will feed (a full
      // memory bank), before the loop, so no probe lands in a timed frame and a shape-dependent crash is seen.
      if (runner.describeOptions().crashProbe === true) {
        await runner.infer(await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 0));
      }
    }
  } catch (error) {
    await closeModules(opened);
    throw error;
  }
  return opened as Record<TrackerModule, Runner>;
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
