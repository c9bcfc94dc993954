import { performance } from 'node:perf_hooks';
import { median } from '@tamkit/common';
import type { PrecisionPlan } from '@tamkit/graph-surgery';
import { sha256File } from '../measure/hash.js';
import { latencyWithSamples } from '../measure/latency-samples.js';
import { loadModulePlans } from '../measure/plans.js';
import { computeLatencyStats } from '../measure/stats.js';
import type { RawImage } from '../preprocess/normalize.js';
import type { ModuleResult, PipelineResult } from '../report/schema.js';
import { getStack } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import type { ShapeVariant } from '../stacks/shape-variant.js';
import type { GraphOptimization } from '../stacks/stack-definition.js';
import type { Feeds } from '../stacks/types.js';
import { openAttentionDecoder } from '../tracker/attention-decoder.js';
import type { Box } from '../tracker/mask-box.js';
import { moduleFiles } from '../tracker/module-files.js';
import { TRACKER_MODULES, type TrackerModule } from '../tracker/module-runner.js';
import {
  closeModules,
  type OpenModulesOptions,
  openModules,
  recordingRunner,
  threadSettings,
} from '../tracker/open-modules.js';
import { ShapeVariantRunner } from '../tracker/shape-variant-runner.js';
import type { ModuleStacks } from '../tracker/stack-spec.js';
import { PIPELINE_STAGES, unstagedMs } from '../tracker/stages.js';
import { createTracker, type TrackerOptions, type TrackResult } from '../tracker/tracker.js';
import { readTrackerParams } from '../tracker/tracker-params.js';
import { calibrateDeviceOutputs } from './calibrate-device-outputs.js';
import { type DeviceOutputChoice, type DeviceOutputMode, fixedDeviceOutputs } from './device-outputs.js';
import { SyntheticVideo } from './synthetic-video.js';

/** A frame source: frames by index plus the first frame's object box. */
export interface FrameSource {
  width: number;
  height: number;
  frame(index: number): RawImage | Promise<RawImage>;
  box(index: number): Box;
}

/** Options of `runPipeline`. */
export interface PipelineRunOptions {
  /** Folder holding image_encoder.onnx, memory_attention.onnx, mask_decoder.onnx, memory_encoder.onnx. */
  models: string;
  /** Stack per module. */
  stacks: ModuleStacks;
  /** Timed frames (after the warm-up frames). Default 24. */
  frames?: number;
  /**
   * Frames tracked before timing starts. Default 8: by then the bank holds its 7 spatial memories, so timed
   * frames run memory attention at (nearly) full size, like the isolated measurement.
   */
  warmupFrames?: number;
  /**
   * Isolated runs of each module after each timed frame, on that frame's own inputs and the same sessions.
   * Interleaving them with the chained frames makes load drift on a shared machine hit both alike. Default 1;
   * 0 skips the isolated measurement.
   */
  isolatedIterations?: number;
  /** Intra-op threads of the ONNX Runtime stacks. Default: per stack kind (`OpenModulesOptions.threads`). */
  threads?: number;
  /** ONNX Runtime intra-op spinning within each run. Default: per stack kind (`OpenModulesOptions.allowSpinning`). */
  allowSpinning?: boolean;
  /** ONNX Runtime's graph optimisation level (see `RunnerSettings.graphOptimization`). Default 'all'. */
  graphOptimization?: GraphOptimization;
  /** Precision plans (`--plan`): a plan file for every module, or a folder of `<module>.plan.json`. */
  plan?: string;
  /** Tracker options (Kalman selection, box mode). */
  tracker?: Omit<TrackerOptions, 'keepOnDevice'>;
  /** Also run with outputs kept on the device (stacks that can) and report the copy time saved. Default false. */
  compareDeviceCopies?: boolean;
  /**
   * Where the timed loop keeps module outputs on stacks that can keep them on the device (ort-webgpu): `on`,
   * `off` (host copies), or `auto` (default): a short calibration tracks the first frames both ways,
   * interleaved, and the faster placement runs (device-outputs.ts). The choice is in `result.deviceOutputs`.
   */
  deviceOutputs?: DeviceOutputMode;
  /** Frames tracked each way by the `auto` calibration (the first 2 not counted). Default 10. */
  calibrationFrames?: number;
  /** memory_attention in the image maps' layout (`OpenModulesOptions.layoutInGraph`). Default true. */
  layoutInGraph?: boolean;
  /**
   * Encoder ahead: image_encoder's session lives in a worker thread and encodes frame t + 1 while this thread runs
   * frame t's other modules (`TrackerOptions.encoderAhead`). The timed frames then run alone: isolated runs
   * interleaved with them would hand the worker free time, so they run after the loop, on the last frame's
   * inputs. Default false.
   */
  encoderAhead?: boolean;
  /**
   * With `encoderAhead`: memory_encoder in a worker thread too, started when a frame's mask is chosen (beside the
   * rest of that frame and the start of the next) instead of at the next frame. Bit-identical on ort-cpu; part of the
   * fastest ort-cuda loop measured (H200: 7.57 ms/frame with the merged decoder, fused static graphs). Default false.
   */
  memoryEarly?: boolean;
  /**
   * memory_attention and mask_decoder merged into one session at load (graph-surgery `mergeModels`,
   * `openAttentionDecoder`): tracked frames after the first make one run for both and the conditioned features
   * stay on the device. Their time is then in the memory_attention stage, and the isolated measurement times the
   * merged session as memory_attention (mask_decoder's isolated time is its frame-0 run). Default false.
   */
  mergeDecoder?: boolean;
  /** Label of the model variant (e.g. `baked`, `unbaked`). Default `default`. */
  variant?: string;
  /**
   * Shape variant (`OpenModulesOptions.shapeVariant`): `original` (default), `pinned` (ONNX Runtime's
   * freeDimensionOverrides) or `static` (graph-surgery specialised graphs) for the shapes the loop settles into.
   */
  shapes?: ShapeVariant;
  /**
   * Frames to track. Default: a seeded synthetic 1280x720 video. The loop holds frame i while it asks for
   * frame i + 1 (handed over early for preprocessing), so a source must keep a frame valid until the second
   * `frame()` call after it.
   */
  video?: FrameSource;
  /** Seed of the synthetic video and default tracker parameters. Default 0. */
  seed?: number;
  /** Called when a pass starts and after each tracked frame (warm-up frames included: `done` of `total`). */
  onProgress?: (event: PipelineProgress) => void;
  /**
   * Called with every tracked frame of the timed pass (warm-up frames included), e.g. to score masks against a
   * reference run. `maskLogits` is reused by the next frame: copy what you keep.
   */
  onFrame?: (frame: TrackResult) => void;
}

/** A progress event of `runPipeline`, for a CLI to draw. */
export type PipelineProgress =
  | { kind: 'pass'; keepOnDevice: boolean }
  | { kind: 'frame'; keepOnDevice: boolean; done: number; total: number };

/** What `runPipeline` measured. */
export interface PipelineRun {
  result: PipelineResult;
  /** The isolated per-module measurements (same sessions, each timed frame's inputs, interleaved). */
  modules: ModuleResult[];
  /** Box per tracked frame (warm-up frames included), of the host-copy pass. */
  boxes: Box[];
}

interface Pass {
  perFrame: number[];
  /** Wall time from the end of the previous frame to this frame's result: the frame source's time included. */
  intervals: number[];
  /** With encoder ahead: the ahead encoding's own wall time per frame (beside the previous frame). */
  aheadMs: number[];
  perStage: Record<string, number[]>;
  boxes: Box[];
  notes: readonly string[];
  isolated: Partial<Record<TrackerModule, { runner: Runner; samples: number[] }>>;
  /** memory_attention and mask_decoder ran merged (`mergeDecoder`, where it could be opened). */
  merged: boolean;
}

/**
 * The chained tracking loop over a frame sequence, timed per stage and per frame, with the isolated median of
 * each module measured on the same sessions and inputs, so the report shows chained vs sum-of-isolated.
 */
export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRun> {
  const frames = options.frames ?? 24;
  const warmup = options.warmupFrames ?? 8;
  if (!(Number.isInteger(frames) && frames > 0))
    throw new RangeError(`options.frames must be a positive integer, got ${frames}`);
  if (!(Number.isInteger(warmup) && warmup >= 0))
    throw new RangeError(`options.warmupFrames must be >= 0, got ${warmup}`);
  const files = await moduleFiles(options.models);
  const params = await readTrackerParams(options.models);
  const video = options.video ?? new SyntheticVideo({ seed: options.seed ?? 0 });
  const planned = options.plan === undefined ? undefined : await loadModulePlans(options.plan, Object.values(files));
  const plans = planned && modulePlans(files, planned.plans);
  const deviceCapable = TRACKER_MODULES.some((m) => getStack(options.stacks[m]).deviceOutputs);
  const placement = await chooseOutputPlacement(options, files, params, video, plans, deviceCapable);
  const host = await runPass(options, files, params, video, placement.chosen === 'on', plans);
  const notes = [...host.notes, ...(planned?.notes ?? []), `output placement: ${placement.reason}`];
  let copySavedMs: number | undefined;
  if (options.compareDeviceCopies && deviceCapable) {
    // The other placement than the timed loop's, without isolated runs.
    const onDevice = placement.chosen === 'on';
    const { onFrame: _, ...rest } = options;
    const other = await runPass({ ...rest, isolatedIterations: 0 }, files, params, video, !onDevice, plans);
    const [devicePass, hostPass] = onDevice ? [host, other] : [other, host];
    copySavedMs = median(hostPass.perFrame) - median(devicePass.perFrame);
    notes.push(
      `device pass (outputs kept on the GPU, image features fed to memory_encoder without a host round trip): p50 ${median(devicePass.perFrame).toFixed(3)} ms/frame vs ${median(hostPass.perFrame).toFixed(3)} ms with host copies`,
    );
  } else if (options.compareDeviceCopies) {
    notes.push('copy time saved not measured: no module runs on a stack that keeps outputs on the device (ort-webgpu)');
  }
  notes.push(...loopTimingNotes(options, host));
  const perFrame = latencyWithSamples(host.perFrame);
  const modules: ModuleResult[] = [];
  for (const m of TRACKER_MODULES) {
    const isolated = host.isolated[m];
    if (!isolated) continue;
    modules.push({
      stack: options.stacks[m],
      module: m,
      modelPath: files[m],
      modelSha256: await sha256File(files[m]),
      latency: latencyWithSamples(isolated.samples),
      options: {
        ...isolated.runner.describeOptions(),
        inputs: "each timed frame's own inputs, run right after that frame",
      },
      notes: [
        ...isolated.runner.notes(),
        'isolated run inside the pipeline benchmark',
        ...(host.merged && m === 'memory_attention'
          ? ['memory_attention and mask_decoder merged: this is the one session that runs both']
          : []),
      ],
    });
  }
  // Merged, memory_attention's session runs mask_decoder too: the three timed sessions make the sum.
  const expected = TRACKER_MODULES.length - (host.merged ? 1 : 0);
  const isolatedSumMs = modules.length === expected ? modules.reduce((s, r) => s + r.latency.p50Ms, 0) : undefined;
  if (isolatedSumMs !== undefined) {
    const ratio = perFrame.p50Ms / isolatedSumMs;
    notes.push(
      `chained p50 ${perFrame.p50Ms.toFixed(3)} ms/frame = ${ratio.toFixed(3)} x the sum of isolated module p50s (${isolatedSumMs.toFixed(3)} ms)`,
    );
  }
  notes.push(
    options.video
      ? `frames: caller's ${video.width}x${video.height} source`
      : `frames: synthetic ${video.width}x${video.height} video, seed ${options.seed ?? 0}`,
    threadingNote(options),
    `${warmup} warm-up frame(s) untimed (frame 0 with the box prompt among them when warmupFrames > 0), ${frames} timed`,
  );
  const result: PipelineResult = {
    stacks: { ...options.stacks },
    variant: options.variant ?? 'default',
    shapes: options.shapes ?? 'original',
    frames,
    perStage: Object.fromEntries(
      Object.entries(host.perStage).map(([stage, samples]) => [stage, computeLatencyStats(samples)]),
    ),
    perFrame,
    interval: computeLatencyStats(host.intervals),
    fps: 1000 / perFrame.meanMs,
    ...(options.encoderAhead ? { encoderAhead: true } : {}),
    ...(host.merged ? { mergedDecoder: true } : {}),
    ...(isolatedSumMs === undefined ? {} : { isolatedSumMs }),
    ...(copySavedMs === undefined ? {} : { copySavedMs }),
    deviceOutputs: placement,
    notes,
  };
  return { result, modules, boxes: host.boxes };
}

/** How each module's session ran its intra-op pool (open-modules threadSettings: as given, or per stack kind). */
function threadingNote(options: PipelineRunOptions): string {
  const groups = new Map<string, TrackerModule[]>();
  for (const m of TRACKER_MODULES) {
    const t = threadSettings(getStack(options.stacks[m]).computesOnHost, options);
    const pool = t.threads === undefined ? "ONNX Runtime's intra-op pool" : `${t.threads} intra-op thread(s)`;
    const spin = t.allowSpinning ? 'spinning within each run, stopped when it returns' : 'no spinning';
    const key = `${pool}, ${spin}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups].map(([how, modules]) => `${modules.join(', ')}: ${how}`).join('; ');
}

/** What the timed pass's intervals and, with encoder ahead, the encodings beside the previous frame took. */
function loopTimingNotes(options: PipelineRunOptions, pass: Pass): string[] {
  const interval = `p50 ${median(pass.intervals).toFixed(3)} ms from one result to the next, the frame source's time included`;
  if (!options.encoderAhead) return [interval];
  return [
    interval,
    pass.aheadMs.length > 0
      ? `encoder ahead: each frame's preprocessing + image_encoder ran beside the previous frame in a worker thread, p50 ${median(pass.aheadMs).toFixed(3)} ms of wall time there; per frame here is the rest plus the wait for it (image_encoder stage)`
      : 'encoder ahead requested, but no frame was encoded ahead (the image encoder did not run in a worker thread)',
    "isolated module runs after the timed loop, on the last frame's inputs (interleaved with the frames, they would give the encoder's worker free time)",
  ];
}

/** The output placement of the timed loop: fixed, or calibrated (`auto` on a stack that can keep outputs on the device). */
async function chooseOutputPlacement(
  options: PipelineRunOptions,
  files: Record<TrackerModule, string>,
  params: Awaited<ReturnType<typeof readTrackerParams>>,
  video: FrameSource,
  plans: Partial<Record<TrackerModule, PrecisionPlan>> | undefined,
  capable: boolean,
): Promise<DeviceOutputChoice> {
  const mode = options.deviceOutputs ?? 'auto';
  const fixed = fixedDeviceOutputs(mode, capable);
  if (fixed) return fixed;
  const frames = options.calibrationFrames ?? 10;
  return calibrateDeviceOutputs({
    files,
    stacks: options.stacks,
    modules: sessionOptions(options, plans, params),
    params,
    tracker: { ...options.tracker, paramsSeed: options.seed ?? 0 },
    video,
    frames: frames + 2,
    skip: 2,
  });
}

/** How the calibration and the timed passes open the modules: the same sessions, whatever the output placement. */
function sessionOptions(
  options: PipelineRunOptions,
  plans: Partial<Record<TrackerModule, PrecisionPlan>> | undefined,
  params: Awaited<ReturnType<typeof readTrackerParams>>,
): OpenModulesOptions {
  return {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.allowSpinning === undefined ? {} : { allowSpinning: options.allowSpinning }),
    ...(options.graphOptimization === undefined ? {} : { graphOptimization: options.graphOptimization }),
    ...(plans === undefined ? {} : { plans }),
    shapeVariant: options.shapes ?? 'original',
    ...(params === undefined ? {} : { bank: params }),
    ...(options.layoutInGraph === undefined ? {} : { layoutInGraph: options.layoutInGraph }),
    // With memoryEarly, the memory encoder too: it then starts when a frame's mask is chosen.
    ...(options.encoderAhead
      ? {
          offThread: options.memoryEarly
            ? (['image_encoder', 'memory_encoder'] as const)
            : (['image_encoder'] as const),
        }
      : {}),
  };
}

/** Plans by module from plans by model file. */
function modulePlans(
  files: Record<TrackerModule, string>,
  byFile: ReadonlyMap<string, PrecisionPlan>,
): Partial<Record<TrackerModule, PrecisionPlan>> {
  return Object.fromEntries(TRACKER_MODULES.flatMap((m) => (byFile.has(files[m]) ? [[m, byFile.get(files[m])!]] : [])));
}

async function runPass(
  options: PipelineRunOptions,
  files: Record<TrackerModule, string>,
  params: Awaited<ReturnType<typeof readTrackerParams>>,
  video: FrameSource,
  keepOnDevice: boolean,
  plans: Partial<Record<TrackerModule, PrecisionPlan>> | undefined,
): Promise<Pass> {
  options.onProgress?.({ kind: 'pass', keepOnDevice });
  const shapeNotes: string[] = [];
  const openOptions: OpenModulesOptions = {
    ...sessionOptions(options, plans, params),
    deviceOutputs: keepOnDevice,
    onNote: (note) => shapeNotes.push(note),
  };
  const runners = await openModules(files, options.stacks, openOptions);
  let merged: Runner | undefined;
  try {
    if (options.mergeDecoder) merged = await openAttentionDecoder(files, options.stacks, runners, openOptions);
  } catch (error) {
    await closeModules(runners);
    throw error;
  }
  try {
    const lastFeeds: Partial<Record<TrackerModule, Feeds>> = {};
    const wrapped = Object.fromEntries(
      TRACKER_MODULES.map((m) => [
        m,
        recordingRunner(runners[m], (feeds) => {
          lastFeeds[m] = feeds;
        }),
      ]),
    ) as Record<TrackerModule, ReturnType<typeof recordingRunner>>;
    const tracker = createTracker({
      modules: wrapped,
      // Isolated, the merged session is timed as memory_attention, on the feeds it got.
      ...(merged === undefined
        ? {}
        : {
            attentionDecoder: recordingRunner(merged, (feeds) => {
              lastFeeds.memory_attention = feeds;
            }),
          }),
      ...(params === undefined ? {} : { params }),
      options: { ...options.tracker, keepOnDevice, paramsSeed: options.seed ?? 0 },
    });
    const frames = options.frames ?? 24;
    const warmup = options.warmupFrames ?? 8;
    const iterations = options.isolatedIterations ?? 1;
    const ahead = options.encoderAhead === true;
    const pass: Pass = {
      perFrame: [],
      intervals: [],
      aheadMs: [],
      perStage: {},
      boxes: [],
      notes: [],
      isolated: {},
      merged: merged !== undefined,
    };
    for (const stage of [...PIPELINE_STAGES, 'unstaged']) pass.perStage[stage] = [];
    const total = warmup + frames;
    // With the merged session, memory_attention's isolated time is the merged run's (mask_decoder's is in it).
    const isolatedRunners = merged === undefined ? runners : { ...runners, memory_attention: merged };
    const timeFrame = () => {
      if (merged !== undefined) delete lastFeeds.mask_decoder;
      return timeIsolated(isolatedRunners, lastFeeds, iterations, pass);
    };
    try {
      // Each call gets the next frame too, so its preprocessing overlaps this frame's inference.
      let frame = await video.frame(0);
      let lastResult = performance.now();
      for (let i = 0; i < total; i += 1) {
        // With encoder ahead, image_encoder's feeds of this frame were recorded during the previous one.
        if (!ahead) for (const m of TRACKER_MODULES) delete lastFeeds[m];
        const next = i + 1 < total ? await video.frame(i + 1) : undefined;
        const call = next === undefined ? {} : { next };
        const out = i === 0 ? await tracker.init(frame, video.box(0), call) : await tracker.track(frame, call);
        const now = performance.now();
        pass.boxes.push(out.box);
        options.onFrame?.(out);
        if (next !== undefined) frame = next;
        if (i >= warmup) {
          pass.perFrame.push(out.timings.total);
          pass.intervals.push(now - lastResult);
          if (out.ahead) pass.aheadMs.push(out.ahead.total);
          for (const stage of PIPELINE_STAGES) pass.perStage[stage]!.push(out.timings[stage]);
          pass.perStage.unstaged!.push(unstagedMs(out.timings));
          if (!ahead) await timeFrame();
        }
        options.onProgress?.({ kind: 'frame', keepOnDevice, done: i + 1, total });
        lastResult = performance.now();
      }
      // Round robin over the modules, as many rounds as timed frames, on the last frame's inputs.
      if (ahead) for (let k = 0; k < frames; k += 1) await timeFrame();
    } finally {
      await tracker.dispose();
    }
    pass.notes = [
      ...tracker.notes,
      ...new Set([...TRACKER_MODULES.flatMap((m) => runners[m].notes()), ...(merged?.notes() ?? [])]),
      ...shapeNotes,
      ...usageNotes(runners, merged),
    ];
    return pass;
  } finally {
    await merged?.deactivate();
    await closeModules(runners);
  }
}

/** Which session of each shape-variant module ran how often (warm-up, timed and isolated runs together). */
function usageNotes(runners: Record<TrackerModule, Runner>, merged: Runner | undefined): string[] {
  const named: [string, Runner | undefined][] = [
    ...TRACKER_MODULES.map((m): [string, Runner] => [m, runners[m]]),
    ['memory_attention + mask_decoder (merged)', merged],
  ];
  return named.flatMap(([name, r]) => {
    if (!(r instanceof ShapeVariantRunner)) return [];
    const calls = Object.entries(r.usage()).map(
      ([key, n]) =>
        `${key === 'dynamic' ? 'as exported' : key === 'specialised' ? 'specialised (one input shape)' : key}: ${n}`,
    );
    return [`${name} (${r.variant}) calls per session: ${calls.join('; ')}`];
  });
}

/** Runs each module that ran in this frame alone on the frame's feeds; device outputs are downloaded and timed too. */
async function timeIsolated(
  runners: Record<TrackerModule, Runner>,
  feeds: Partial<Record<TrackerModule, Feeds>>,
  iterations: number,
  pass: Pass,
): Promise<void> {
  if (iterations === 0) return;
  for (const m of TRACKER_MODULES) {
    const frameFeeds = feeds[m];
    if (frameFeeds === undefined) continue;
    pass.isolated[m] ??= { runner: runners[m], samples: [] };
    const entry = pass.isolated[m];
    for (let k = 0; k < iterations; k += 1) {
      const start = performance.now();
      await runners[m].toHost(await runners[m].infer(frameFeeds));
      entry.samples.push(performance.now() - start);
    }
  }
}
