import type { ModuleRunners } from '../tracker/module-runner.js';
import type { OpenModulesOptions } from '../tracker/open-modules.js';
import { closeModules, openModules } from '../tracker/open-modules.js';
import type { ModuleStacks } from '../tracker/stack-spec.js';
import { createTracker, type Tracker, type TrackerOptions } from '../tracker/tracker.js';
import type { TrackerParams } from '../tracker/tracker-params.js';
import { chooseDeviceOutputs, type DeviceOutputChoice } from './device-outputs.js';
import type { FrameSource } from './run-pipeline.js';

/** What `calibrateDeviceOutputs` needs: the pipeline's modules, sessions settings and frames. */
export interface CalibrationSetup {
  files: Record<keyof ModuleStacks, string>;
  stacks: ModuleStacks;
  modules: Omit<OpenModulesOptions, 'deviceOutputs'>;
  params: TrackerParams | undefined;
  tracker: Omit<TrackerOptions, 'keepOnDevice'>;
  video: FrameSource;
  /** Frames tracked each way; the first `skip` of them are not counted (sessions warming up). */
  frames: number;
  skip: number;
}

/**
 * Tracks the first frames twice at once, outputs kept on the device and copied to the host, alternating which
 * placement goes first frame by frame (load drift hits both alike), and picks the faster (chooseDeviceOutputs).
 */
export async function calibrateDeviceOutputs(setup: CalibrationSetup): Promise<DeviceOutputChoice> {
  const sides: { runners: ModuleRunners; tracker: Tracker; times: number[] }[] = [];
  const opened: Awaited<ReturnType<typeof openModules>>[] = [];
  try {
    for (const keepOnDevice of [true, false]) {
      const runners = await openModules(setup.files, setup.stacks, { ...setup.modules, deviceOutputs: keepOnDevice });
      opened.push(runners);
      const tracker = createTracker({
        modules: runners,
        ...(setup.params === undefined ? {} : { params: setup.params }),
        options: { ...setup.tracker, keepOnDevice },
      });
      sides.push({ runners, tracker, times: [] });
    }
    for (let i = 0; i < setup.frames; i += 1) {
      const frame = await setup.video.frame(i);
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const out = i === 0 ? await side.tracker.init(frame, setup.video.box(0)) : await side.tracker.track(frame);
        if (i >= setup.skip) side.times.push(out.timings.total);
      }
    }
    for (const side of sides) await side.tracker.dispose();
  } finally {
    for (const runners of opened) await closeModules(runners);
  }
  return chooseDeviceOutputs({ on: sides[0]!.times, off: sides[1]!.times });
}
