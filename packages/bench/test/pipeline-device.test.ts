import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { loadOrt, type OrtModule } from '../src/stacks/ort/load-ort.js';
import type { Runner } from '../src/stacks/runner.js';
import type { Feeds, Outputs, RunnerTensor } from '../src/stacks/types.js';
import { openAttentionDecoder } from '../src/tracker/attention-decoder.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { type ModuleRunner, TRACKER_MODULES, type TrackerModule } from '../src/tracker/module-runner.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker } from '../src/tracker/tracker.js';

/**
 * Test double for device-resident tensors (no GPU here): it holds host data but behaves like an ORT
 * `gpu-buffer` tensor: no `.data`, `getData(release)` downloads, `dispose()` frees, and use after dispose fails.
 */
class DeviceTensorDouble {
  readonly location = 'gpu-buffer';
  disposed = false;
  constructor(
    readonly type: RunnerTensor['type'],
    readonly dims: readonly number[],
    private readonly host: RunnerTensor['data'],
    ledger: Ledger,
  ) {
    ledger.created.push(this);
  }
  get data(): never {
    throw new Error('a device tensor has no host data; download it first');
  }
  /** The contents, as the device would use them when fed to another session. */
  onDevice(): RunnerTensor['data'] {
    if (this.disposed) throw new Error('device tensor used after dispose');
    return this.host;
  }
  async getData(release?: boolean): Promise<RunnerTensor['data']> {
    const data = this.onDevice();
    if (release) this.dispose();
    return data;
  }
  dispose(): void {
    this.disposed = true;
  }
}

interface Ledger {
  created: DeviceTensorDouble[];
  deviceFeeds: number;
}

/** Test double for a GPU stack around a real ort-cpu runner: outputs come back as device tensor doubles. */
function deviceStackDouble(real: Runner, ort: OrtModule, ledger: Ledger): ModuleRunner {
  return {
    stack: 'gpu-stack-double',
    capabilities: { ...real.capabilities, deviceOutputs: true },
    get inputs() {
      return real.inputs;
    },
    get outputs() {
      return real.outputs;
    },
    async infer(feeds: Feeds): Promise<Outputs> {
      const hostFeeds: Feeds = {};
      for (const [name, t] of Object.entries(feeds)) {
        if (t instanceof DeviceTensorDouble) {
          ledger.deviceFeeds += 1;
          hostFeeds[name] = new ort.Tensor(t.type as 'float32', t.onDevice() as Float32Array, t.dims);
        } else hostFeeds[name] = t;
      }
      const out = await real.infer(hostFeeds);
      return Object.fromEntries(
        Object.entries(out).map(([n, t]) => [n, new DeviceTensorDouble(t.type, t.dims, t.data, ledger) as never]),
      );
    },
    async toHost(outputs: Outputs, options?: { keepDevice?: boolean }): Promise<Outputs> {
      const host: Outputs = {};
      for (const [n, t] of Object.entries(outputs)) {
        host[n] =
          t instanceof DeviceTensorDouble
            ? new ort.Tensor(t.type as 'float32', (await t.getData(!options?.keepDevice)) as Float32Array, t.dims)
            : t;
      }
      return host;
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-pipeline-device-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 11 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function trackBoxes(
  modules: Record<TrackerModule, ModuleRunner>,
  keepOnDevice: boolean,
  attentionDecoder?: ModuleRunner,
): Promise<Box[]> {
  const video = new SyntheticVideo({ width: 64, height: 48, seed: 2 });
  const tracker = createTracker({
    modules,
    options: { keepOnDevice, box: 'low-res' },
    ...(attentionDecoder ? { attentionDecoder } : {}),
  });
  const boxes = [(await tracker.init(video.frame(0), video.box(0))).box];
  for (let i = 1; i < 3; i += 1) boxes.push((await tracker.track(video.frame(i))).box);
  // The last frame's memory is never encoded (nothing follows): dispose releases its features.
  await tracker.dispose();
  return boxes;
}

describe('tracking loop with outputs that stay on the device (GPU stack double)', () => {
  it('feeds image features to memory_encoder as the device tensor, frees every device tensor, same boxes as host', async () => {
    const ort = await loadOrt();
    const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const hostBoxes = await trackBoxes(runners, false);
      for (const keep of [true, false]) {
        const ledger: Ledger = { created: [], deviceFeeds: 0 };
        const doubles = Object.fromEntries(
          TRACKER_MODULES.map((m) => [m, deviceStackDouble(runners[m], ort, ledger)]),
        ) as Record<TrackerModule, ModuleRunner>;
        expect(await trackBoxes(doubles, keep)).toEqual(hostBoxes);
        // pix_feat of frames 0 and 1 (encoded during the next call; frame 2's never is), without a host round trip
        expect(ledger.deviceFeeds).toBe(keep ? 2 : 0);
        expect(ledger.created.length).toBeGreaterThan(0);
        expect(ledger.created.filter((t) => !t.disposed)).toHaveLength(0);
      }
    } finally {
      await closeModules(runners);
    }
  });
});

describe('merged attention + decoder whose outputs stay on the device (GPU stack double)', () => {
  it('downloads the decoder outputs the loop reads, frees every device tensor, same boxes as the two host modules', async () => {
    const ort = await loadOrt();
    const files = await moduleFiles(dir);
    const stacks = parseStackSpec('ort-cpu');
    const runners = await openModules(files, stacks, { threads: 1 });
    const merged = await openAttentionDecoder(files, stacks, runners, { threads: 1 });
    try {
      const hostBoxes = await trackBoxes(runners, false);
      const ledger: Ledger = { created: [], deviceFeeds: 0 };
      const doubles = Object.fromEntries(
        TRACKER_MODULES.map((m) => [m, deviceStackDouble(runners[m], ort, ledger)]),
      ) as Record<TrackerModule, ModuleRunner>;
      expect(await trackBoxes(doubles, false, deviceStackDouble(merged!, ort, ledger))).toEqual(hostBoxes);
      expect(ledger.created.length).toBeGreaterThan(0);
      expect(ledger.created.filter((t) => !t.disposed)).toHaveLength(0);
    } finally {
      await merged?.deactivate();
      await closeModules(runners);
    }
  });
});
