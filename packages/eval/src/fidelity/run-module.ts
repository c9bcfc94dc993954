/** Runs one module (a file or an in-memory model) on a bench stack and returns host outputs and latency. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRunnerWith,
  type Feeds,
  loadOrt,
  type Runner,
  type RunnerSettings,
  type TensorInfo,
} from '@tamkit/bench';
import { median } from '@tamkit/common';
import { encodeModel, float16BitsToFloat32, float32ToFloat16Bits, type ModelProto } from '@tamkit/graph-surgery';
import type { HostTensor } from './compare-outputs.js';
import { hostOutputs } from './host-tensors.js';

/** Options of `runModuleOnStack`. */
export interface RunModuleOptions {
  /** Timed runs after the first (default 0: one run, its time is the latency). The median is reported. */
  timedRuns?: number;
  /** Settings for the stack's runner (threads, spinning; see bench's `RunnerSettings`). */
  settings?: RunnerSettings;
}

/** Outputs and timing of one module run. */
export interface ModuleRun {
  outputs: Record<string, HostTensor>;
  /** Median inference time in milliseconds over the timed runs (the first run's when there are none). */
  latencyMs: number;
}

/**
 * Feeds converted to the float type each input declares (FP32 feeds for an FP16-I/O model and back), so one set
 * of inputs serves the FP32 and the FP16 files.
 */
export async function adaptFeeds(feeds: Feeds, inputs: readonly TensorInfo[]): Promise<Feeds> {
  const ort = await loadOrt();
  const adapted: Feeds = { ...feeds };
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (!feed || feed.type === info.type) continue;
    if (feed.type === 'float32' && info.type === 'float16') {
      adapted[info.name] = new ort.Tensor(
        'float16',
        Uint16Array.from(feed.data as Float32Array, float32ToFloat16Bits),
        feed.dims,
      );
    } else if (feed.type === 'float16' && info.type === 'float32') {
      adapted[info.name] = new ort.Tensor(
        'float32',
        Float32Array.from(feed.data as Uint16Array, float16BitsToFloat32),
        feed.dims,
      );
    }
  }
  return adapted;
}

/** Activates a runner of `stack` on a model path or proto (written to a temporary file), runs, releases. */
export async function runModuleOnStack(
  stack: string,
  model: string | ModelProto,
  feeds: Feeds,
  options: RunModuleOptions = {},
): Promise<ModuleRun> {
  const temp = typeof model === 'string' ? undefined : await mkdtemp(join(tmpdir(), 'tamkit-eval-'));
  const runner: Runner = createRunnerWith(stack, options.settings);
  try {
    let path = model as string;
    if (temp) {
      path = join(temp, 'candidate.onnx');
      await writeFile(path, encodeModel(model as ModelProto));
    }
    await runner.activate(path);
    feeds = await adaptFeeds(feeds, runner.inputs);
    const raw = await runner.infer(feeds);
    const times = [runner.lastInferenceMs ?? Number.NaN];
    const outputs = await hostOutputs(runner, raw);
    const timed = options.timedRuns ?? 0;
    if (timed > 0) times.length = 0;
    for (let i = 0; i < timed; i++) {
      await runner.infer(feeds);
      times.push(runner.lastInferenceMs ?? Number.NaN);
    }
    return { outputs, latencyMs: median(times) };
  } finally {
    await runner.deactivate();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
