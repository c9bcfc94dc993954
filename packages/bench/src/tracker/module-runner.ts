import type { TrackerModule } from '@tamkit/graph-surgery';
import type { Runner } from '../stacks/runner.js';

// The module list lives in graph-surgery (tracker-modules.ts); re-exported for bench's API.
export { isTrackerModule, TRACKER_MODULES, type TrackerModule } from '@tamkit/graph-surgery';

/**
 * What the tracking loop needs from a runner: an active model's declared I/O, `infer`, and `toHost` for
 * device-resident outputs. Every bench `Runner` satisfies it; tests and eval may pass anything narrower that does.
 */
export type ModuleRunner = Pick<Runner, 'stack' | 'capabilities' | 'inputs' | 'outputs' | 'infer' | 'toHost'>;

/** One active runner per module. */
export type ModuleRunners = Record<TrackerModule, ModuleRunner>;
