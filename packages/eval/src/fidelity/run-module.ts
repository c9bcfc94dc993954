/** Runs one module (a file or an in-memory model) on a bench stack and returns host outputs and latency. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunner, type Feeds, type Runner } from '@tamkit/bench';
import { encodeModel, type ModelProto } from '@tamkit/graph-surgery';
import type { HostTensor } from './compare-outputs.js';
import { hostOutputs } from './host-tensors.js';

/** Options of `runModuleOnStack`. */
export interface RunModuleOptions {
  /** Timed runs after the first (default 0: one run, its time is the latency). The median is reported. */
  timedRuns?: number;
  /** Options passed to the stack's runner (see bench's StackOptionsMap). */
  stackOptions?: unknown;
}

/** Outputs and timing of one module run. */
export interface ModuleRun {
  outputs: Record<string, HostTensor>;
  /** Median inference time in milliseconds over the timed runs (the first run's when there are none). */
  latencyMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Activates a runner of `stack` on a model path or proto (written to a temporary file), runs, releases. */
export async function runModuleOnStack(
  stack: string,
  model: string | ModelProto,
  feeds: Feeds,
  options: RunModuleOptions = {},
): Promise<ModuleRun> {
  const temp = typeof model === 'string' ? undefined : await mkdtemp(join(tmpdir(), 'tamkit-eval-'));
  const runner: Runner = createRunner(stack as never, options.stackOptions as never);
  try {
    let path = model as string;
    if (temp) {
      path = join(temp, 'candidate.onnx');
      await writeFile(path, encodeModel(model as ModelProto));
    }
    await runner.activate(path);
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
