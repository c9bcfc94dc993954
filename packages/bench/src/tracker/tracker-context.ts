/**
 * What one tracker keeps between its stages: the modules and their resolved I/O, the host stages, the options,
 * and the state that lives from frame to frame (buffers, memory bank, the frame whose memory is not encoded
 * yet). The stages themselves are named functions in tracker-stages.ts.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ToolkitError } from '@tamkit/common';
import { MEMORY_MASK_INPUTS } from '@tamkit/graph-surgery';
import type { RawImage } from '../preprocess/normalize.js';
import type { OrtModule } from '../stacks/ort/load-ort.js';
import type { Feeds, Outputs, RunnerTensor } from '../stacks/types.js';
import { HostStages } from './host-stages.js';
import {
  type MemoryScores,
  type MemorySelectionOptions,
  memorySelectionOf,
  minObjectScoreOf,
} from './memory-selection.js';
import { type ModuleIoNames, resolveModuleIo } from './module-io.js';
import type { ModuleRunner, ModuleRunners, TrackerModule } from './module-runner.js';
import { MotionSelector } from './motion-selector.js';
import type { StageTimings } from './stages.js';
import { releaseDevice } from './tensors.js';
import type { TrackerBuffers } from './tracker-buffers.js';
import type { TrackerParams } from './tracker-params.js';
import type { TrackerOptions } from './tracker-types.js';

/**
 * A tracked frame whose memory is not encoded yet. memory_encoder runs at the start of the next frame, after
 * its image_encoder: nothing needs the memory earlier, and the mask upsampling it waits for overlaps that run.
 */
export interface PendingMemory {
  index: number;
  conditioning: boolean;
  /** image_encoder's features of the frame (host), or on the device when kept there. */
  features: Float32Array;
  device: RunnerTensor | undefined;
  dims: readonly number[];
  objPtr: Float32Array;
  /** The memory encoder's mask input: side x side from the host stages, or the chosen logits (`maskInGraph`). */
  mask: Promise<Float32Array>;
  /** Dims of `mask` as fed: [1, 1, side, side], or the logits' [1, 1, h, w] when the graph makes the mask. */
  maskDims: readonly number[];
  /** What memory selection judges the frame by. */
  scores: MemoryScores;
  /** memory_encoder's run, already started in its worker thread when the mask was chosen (`memoryEarly`). */
  started: Promise<Outputs> | undefined;
}

/** image_encoder's outputs as the later stages take them. */
export interface EncodedImage {
  features: Float32Array;
  /** The image positional encoding (not needed on the conditioning frame). */
  pos: Float32Array | undefined;
  /** The features on the device, when memory_encoder takes them from there. */
  device: RunnerTensor | undefined;
  dims: readonly number[];
}

/** The next frame's encoding, started beside the current frame (`TrackerOptions.encoderAhead`). */
export interface AheadEncoding {
  /** The frame as handed over (a frame or the promise of one): the next call must get this frame. */
  given: RawImage | Promise<RawImage>;
  /** The frame once the promise resolved. */
  readonly frame: RawImage | undefined;
  result: Promise<{ encoded: EncodedImage; timings: StageTimings }>;
}

/** One tracker's modules, settings and frame-to-frame state. */
export interface TrackerContext {
  readonly modules: ModuleRunners;
  readonly io: ModuleIoNames;
  readonly options: TrackerOptions;
  readonly host: HostStages;
  readonly selector: MotionSelector | undefined;
  readonly memorySelection: MemorySelectionOptions | undefined;
  readonly minObjectScore: number;
  /** image_encoder's features go to memory_encoder as the device tensor they are (same stack, device outputs). */
  readonly keepFeaturesOnDevice: boolean;
  /**
   * memory_attention takes the features and pos-enc as [1, C, H, W] and gives [1, C, H, W] (bakeFeatureLayout):
   * the loop feeds the image encoder's maps as they are and hands the output to the decoder without transposes.
   */
  readonly layoutInGraph: boolean;
  /**
   * memory_encoder makes its mask input from the chosen logits in its graph (graph-surgery `bakeMemoryMask`): the
   * loop feeds the logits and the sigmoid scale and bias instead of upsampling on the host.
   */
  readonly maskInGraph: boolean;
  /**
   * memory_encoder runs in a worker thread (`capabilities.threaded`): a frame's memory is encoded from the moment
   * its mask is chosen, beside the rest of the frame and the start of the next, instead of at the next frame.
   */
  readonly memoryEarly: boolean;
  /** The next frame is encoded beside the current one (`TrackerOptions.encoderAhead` on a threaded encoder). */
  readonly encoderAhead: boolean;
  /**
   * memory_attention and mask_decoder merged into one graph (`CreateTrackerOptions.attentionDecoder`): tracked
   * frames after the first run it instead of the two.
   */
  readonly attentionDecoder: ModuleRunner | undefined;
  /** A second rank-4 float decoder output: the mask logits already upsampled in the graph (mask-resize bake). */
  readonly highResMasks: string | undefined;
  readonly notes: string[];
  ort: OrtModule | undefined;
  buffers: TrackerBuffers | undefined;
  params: TrackerParams | undefined;
  /** Index of the last tracked frame; -1 before `init`. */
  frameIndex: number;
  padPoint: { coords: RunnerTensor; labels: RunnerTensor } | undefined;
  pending: PendingMemory | undefined;
  ahead: AheadEncoding | undefined;
  readonly rawScratch: { bytes: Uint8Array };
}

/** Resolves the modules' I/O (errors name what is missing) and sets up the host stages and selection. */
export function createTrackerContext(
  modules: ModuleRunners,
  params: TrackerParams | undefined,
  options: TrackerOptions,
  attentionDecoder?: ModuleRunner,
): TrackerContext {
  const io = resolveModuleIo(modules);
  const notes: string[] = [
    'frame 0 takes the best-IoU mask of the multimask output (SAM 2 uses the single-mask token for a box prompt; the exported decoder only gives multimask outputs)',
  ];
  const layoutInGraph =
    modules.memory_attention.inputs.find((i) => i.name === io.memory_attention.inputs.curr)?.shape.length === 4;
  if (attentionDecoder) {
    checkAttentionDecoder(attentionDecoder, modules, io, layoutInGraph);
    notes.push(
      'memory_attention and mask_decoder merged into one graph (graph-surgery mergeModels): one run per tracked frame, the conditioned features stay on the device; its time is in the memory_attention stage (mask_decoder 0 after frame 0)',
    );
  }
  const selector = options.kalman ? new MotionSelector(options.kalman === true ? {} : options.kalman) : undefined;
  const memorySelection = memorySelectionOf(options.kalman);
  if (selector)
    notes.push(
      memorySelection
        ? "SAMURAI Kalman selection on candidate boxes from the masks upsampled to 512; SAMURAI's memory selection (previous frames kept by predicted IoU, object score and Kalman score)"
        : 'SAMURAI Kalman selection on candidate boxes from the masks upsampled to 512; memory selection off (the 6 newest frames, as SAM 2)',
    );
  const keepFeaturesOnDevice =
    options.keepOnDevice === true &&
    modules.image_encoder.stack === modules.memory_encoder.stack &&
    modules.image_encoder.capabilities.deviceOutputs;
  const host = new HostStages(options.hostWorker ?? availableParallelism() > 2);
  notes.push(
    host.threaded
      ? "memory_encoder of a frame runs after the next frame's image_encoder (its time is in that frame's row); the mask it takes is upsampled in a worker thread meanwhile, and the next frame's preprocessing too when handed over"
      : "memory_encoder of a frame runs after the next frame's image_encoder (its time is in that frame's row); host stages in process",
  );
  const encoderAhead = (options.encoderAhead ?? true) && modules.image_encoder.capabilities.threaded === true;
  if (encoderAhead)
    notes.push(
      "image_encoder of the next frame runs in its worker thread beside this frame's memory attention, mask decoder and memory encoder (encoder ahead); a frame's image_encoder stage is the wait for what is left of it",
    );
  if (modules.memory_encoder.capabilities.threaded === true)
    notes.push(
      "memory_encoder runs in its worker thread from the moment a frame's mask is chosen (its stage is the wait for what is left of the run)",
    );
  const encoderInputs = new Set(modules.memory_encoder.inputs.map((i) => i.name));
  const maskInGraph = encoderInputs.has(MEMORY_MASK_INPUTS.scale) && encoderInputs.has(MEMORY_MASK_INPUTS.bias);
  if (maskInGraph)
    notes.push(
      "memory_encoder's mask input is made in its graph from the chosen logits (resize, sigmoid, scale and bias on its stack, not on the host)",
    );
  const highResMasks = modules.mask_decoder.outputs.find(
    (o) => o.shape.length === 4 && o.type === 'float32' && o.name !== io.mask_decoder.outputs.masks,
  )?.name;
  if (highResMasks !== undefined)
    notes.push(`memory-encoder mask from the decoder's in-graph upsampled output "${highResMasks}"`);
  return {
    modules,
    io,
    options,
    host,
    selector,
    memorySelection,
    minObjectScore: minObjectScoreOf(options.kalman),
    keepFeaturesOnDevice,
    layoutInGraph,
    attentionDecoder,
    highResMasks,
    encoderAhead,
    memoryEarly: modules.memory_encoder.capabilities.threaded === true,
    maskInGraph,
    notes,
    ort: undefined,
    buffers: undefined,
    params,
    frameIndex: -1,
    padPoint: undefined,
    pending: undefined,
    ahead: undefined,
    rawScratch: { bytes: new Uint8Array(0) },
  };
}

/**
 * The merged runner must take memory_attention's inputs (in the maps' layout, so its output is the decoder's
 * image embedding) and the decoder's point inputs, and give the decoder's outputs under their names.
 */
function checkAttentionDecoder(
  merged: ModuleRunner,
  modules: ModuleRunners,
  io: ModuleIoNames,
  layoutInGraph: boolean,
): void {
  const inputs = new Set(merged.inputs.map((i) => i.name));
  const outputs = new Set(merged.outputs.map((o) => o.name));
  const md = io.mask_decoder;
  const needIn = [
    ...modules.memory_attention.inputs.map((i) => i.name),
    md.inputs.pointCoords,
    md.inputs.pointLabels,
  ].filter((n) => !inputs.has(n));
  const needOut = modules.mask_decoder.outputs.map((o) => o.name).filter((n) => !outputs.has(n));
  if (!layoutInGraph || needIn.length > 0 || needOut.length > 0 || inputs.has(md.inputs.imageEmbed)) {
    throw new ToolkitError(
      'MODULE_MISMATCH',
      `the merged memory_attention + mask_decoder does not fit the loop's modules${layoutInGraph ? '' : " (memory_attention is not in the maps' layout)"}${needIn.length ? `; missing inputs ${needIn.join(', ')}` : ''}${needOut.length ? `; missing outputs ${needOut.join(', ')}` : ''}${inputs.has(md.inputs.imageEmbed) ? `; ${md.inputs.imageEmbed} is still an input` : ''}`,
      {
        remedy:
          'Merge the memory_attention the loop runs (feature layout baked) with its mask_decoder: openAttentionDecoder does both.',
      },
    );
  }
}

/** Runs `body` and adds its wall time to `stage`. */
export async function timed<T>(
  timings: StageTimings,
  stage: keyof StageTimings,
  body: () => Promise<T> | T,
): Promise<T> {
  const start = performance.now();
  const value = await body();
  timings[stage] += performance.now() - start;
  return value;
}

/**
 * Runs one module (on its runner, or on `runner`: the merged attention + decoder counts as memory_attention) and
 * returns its outputs with the `host` ones on the host; the run counts to the module's stage, downloads to
 * `host_copies`. Device outputs nobody reads are released now (GPU buffers are not
 * garbage-collected).
 */
export async function runModule(
  ctx: TrackerContext,
  module: TrackerModule,
  feeds: Feeds,
  host: readonly string[],
  timings: StageTimings,
  runner: ModuleRunner = ctx.modules[module],
): Promise<Outputs> {
  const outputs = await timed(timings, module, () => runner.infer(feeds));
  releaseDevice(
    Object.keys(outputs)
      .filter((n) => !host.includes(n))
      .map((n) => outputs[n]),
  );
  const onDevice = host.filter((n) => outputs[n]?.location !== 'cpu');
  if (onDevice.length === 0) return outputs;
  const subset = Object.fromEntries(onDevice.map((n) => [n, outputs[n]!]));
  return { ...outputs, ...(await timed(timings, 'host_copies', () => runner.toHost(subset))) };
}

/** A float32 tensor over `data` (no copy). */
export function f32(ctx: TrackerContext, data: Float32Array, dims: readonly number[]): RunnerTensor {
  return new ctx.ort!.Tensor('float32', data, dims);
}
