import type { Runner } from '../stacks/runner.js';

/** The four ONNX modules of an EfficientTAM / SAM 2 export, in pipeline order. */
export const TRACKER_MODULES = ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder'] as const;
export type TrackerModule = (typeof TRACKER_MODULES)[number];

/**
 * What the tracking loop needs from a runner: an active model's declared I/O, `infer`, and `toHost` for
 * device-resident outputs. Every bench `Runner` satisfies it; tests and eval may pass anything narrower that does.
 */
export type ModuleRunner = Pick<Runner, 'stack' | 'capabilities' | 'inputs' | 'outputs' | 'infer' | 'toHost'>;

/** One active runner per module. */
export type ModuleRunners = Record<TrackerModule, ModuleRunner>;

export function isTrackerModule(name: string): name is TrackerModule {
  return (TRACKER_MODULES as readonly string[]).includes(name);
}
