import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ToolkitError } from '@tamkit/common';
import type { RawImage } from '../preprocess/normalize.js';
import { loadOrt, type OrtModule } from '../stacks/ort/load-ort.js';
import type { Feeds, Outputs, RunnerTensor } from '../stacks/types.js';
import { declaredMemDim, promptCorners, rawBytes } from './frame-helpers.js';
import { HostStages } from './host-stages.js';
import { addPerChannel, chwToTokens, tokensToChw } from './layout.js';
import { type Box, maskToBox, resizedMaskBox, scaleLowResBox } from './mask-box.js';
import { sameValues } from './memory-bank.js';
import { type MemoryScores, memorySelectionOf, minObjectScoreOf } from './memory-selection.js';
import { type ModuleIoNames, resolveModuleIo } from './module-io.js';
import type { ModuleRunner, TrackerModule } from './module-runner.js';
import { MotionSelector } from './motion-selector.js';
import { emptyTimings, type StageTimings } from './stages.js';
import { hostFloats, inputType, intTensor, isBatchFirst, releaseDevice } from './tensors.js';
import { allocateBuffers, chooseMask, createMemoryBank, type TrackerBuffers } from './tracker-buffers.js';
import { checkTrackerParams, defaultTrackerParams } from './tracker-params.js';
import type { CreateTrackerOptions, Tracker, TrackResult } from './tracker-types.js';

export type { CreateTrackerOptions, Tracker, TrackerOptions, TrackOptions, TrackResult } from './tracker-types.js';

/**
 * A tracked frame whose memory is not encoded yet. memory_encoder runs at the start of the next frame, after
 * its image_encoder: nothing needs the memory earlier, and the mask upsampling it waits for overlaps that run.
 */
interface PendingMemory {
  index: number;
  conditioning: boolean;
  /** image_encoder's features of the frame (host), or on the device when kept there. */
  features: Float32Array;
  device: RunnerTensor | undefined;
  dims: readonly number[];
  objPtr: Float32Array;
  mask: Promise<Float32Array>;
  /** What memory selection judges the frame by. */
  scores: MemoryScores;
}

const timed = async <T>(timings: StageTimings, stage: keyof StageTimings, body: () => Promise<T> | T) => {
  const start = performance.now();
  const value = await body();
  timings[stage] += performance.now() - start;
  return value;
};

/** Builds a tracker over four active runners. The model I/O names are resolved now (errors name what is missing). */
export function createTracker({ modules, params, options = {} }: CreateTrackerOptions): Tracker {
  const io: ModuleIoNames = resolveModuleIo(modules);
  const notes: string[] = [
    'frame 0 takes the best-IoU mask of the multimask output (SAM 2 uses the single-mask token for a box prompt; the exported decoder only gives multimask outputs)',
  ];
  const selector = options.kalman ? new MotionSelector(options.kalman === true ? {} : options.kalman) : undefined;
  const memorySelection = memorySelectionOf(options.kalman);
  const minObjectScore = minObjectScoreOf(options.kalman);
  if (selector)
    notes.push(
      memorySelection
        ? "SAMURAI Kalman selection on candidate boxes from the masks upsampled to 512; SAMURAI's memory selection (previous frames kept by predicted IoU, object score and Kalman score)"
        : 'SAMURAI Kalman selection on candidate boxes from the masks upsampled to 512; memory selection off (the 6 newest frames, as SAM 2)',
    );
  const keep =
    options.keepOnDevice === true &&
    modules.image_encoder.stack === modules.memory_encoder.stack &&
    modules.image_encoder.capabilities.deviceOutputs;
  const host = new HostStages(options.hostWorker ?? availableParallelism() > 2);
  notes.push(
    host.threaded
      ? "memory_encoder of a frame runs after the next frame's image_encoder (its time is in that frame's row); the mask it takes is upsampled in a worker thread meanwhile, and the next frame's preprocessing too when handed over"
      : "memory_encoder of a frame runs after the next frame's image_encoder (its time is in that frame's row); host stages in process",
  );
  const preprocessor = host.preprocessor;
  // A second rank-4 float output of the decoder is the mask logits already upsampled in the graph (mask-resize bake).
  const highResMasks = modules.mask_decoder.outputs.find(
    (o) => o.shape.length === 4 && o.type === 'float32' && o.name !== io.mask_decoder.outputs.masks,
  )?.name;
  if (highResMasks !== undefined)
    notes.push(`memory-encoder mask from the decoder's in-graph upsampled output "${highResMasks}"`);
  let ort: OrtModule | undefined;
  let buffers: TrackerBuffers | undefined;
  let trackerParams = params;
  let frameIndex = -1;
  let padPoint: { coords: RunnerTensor; labels: RunnerTensor } | undefined;
  let pending: PendingMemory | undefined;
  const rawScratch = { bytes: new Uint8Array(0) };

  const run = async (module: TrackerModule, feeds: Feeds, host: readonly string[]): Promise<Outputs> => {
    const runner: ModuleRunner = modules[module];
    const outputs = await runner.infer(feeds);
    // Device outputs nobody reads are released now (GPU buffers are not garbage-collected).
    releaseDevice(
      Object.keys(outputs)
        .filter((n) => !host.includes(n))
        .map((n) => outputs[n]),
    );
    const onDevice = host.filter((n) => outputs[n]?.location !== 'cpu');
    if (onDevice.length === 0) return outputs;
    const subset = Object.fromEntries(onDevice.map((n) => [n, outputs[n]!]));
    return { ...outputs, ...(await runner.toHost(subset)) };
  };
  const f32 = (data: Float32Array, dims: readonly number[]) => new ort!.Tensor('float32', data, dims);

  async function step(frame: RawImage, prompt: Box | undefined, next: RawImage | undefined): Promise<TrackResult> {
    ort ??= await loadOrt();
    const rt = ort;
    const timings = emptyTimings();
    const start = performance.now();
    const index = prompt ? 0 : frameIndex + 1;
    host.nextFrame();
    // 1. Preprocess (or hand the raw frame to a graph with preprocessing baked in); start on the next frame.
    const image = await timed(timings, 'preprocess', async () => {
      const data = io.image_encoder.rawFrames ? undefined : await host.preprocess(frame);
      if (next && data && host.threaded) host.prefetch(next);
      return data
        ? { tensor: f32(data, [1, 3, preprocessor.size, preprocessor.size]), data }
        : { tensor: new rt.Tensor('uint8', rawBytes(frame, rawScratch), [frame.height, frame.width, 3]), data };
    });
    // 2. image_encoder. Features stay on the device when memory_encoder can take them from there.
    const enc = io.image_encoder.outputs;
    const encoded = await timed(timings, 'image_encoder', async () => {
      const out = await modules.image_encoder.infer({ [io.image_encoder.inputs.image]: image.tensor });
      if (image.data) host.retire(image.data);
      const features = await hostFloats(modules.image_encoder, out[enc.features]!);
      const pos = prompt ? undefined : await hostFloats(modules.image_encoder, out[enc.pos]!);
      if (!keep) releaseDevice([out[enc.features], out[enc.pos]]);
      else releaseDevice([out[enc.pos]]);
      return { features, pos, device: keep ? out[enc.features] : undefined, dims: out[enc.features]!.dims };
    });
    buffers ??= allocateBuffers(encoded.dims as number[]);
    const b = buffers;
    trackerParams ??= defaultTrackerParams(b.dModel, declaredMemDim(modules, io), options.paramsSeed ?? 0);
    // 3. The previous frame's memory, now that its mask is ready (see PendingMemory); meanwhile the host worker
    //    turns this frame's features into memory-attention tokens.
    const early =
      !prompt && pending && host.threaded
        ? await timed(timings, 'memory', () => ({ job: host.tokens(encoded.features, b.dModel, b.hw, b.tokens) }))
        : undefined;
    if (pending) await encodeMemory(pending, b, timings);
    pending = undefined;
    // 4. Condition the features: no-memory embedding on the conditioning frame, memory attention afterwards.
    let memoryFrames: number[] = [];
    if (prompt) {
      checkTrackerParams(trackerParams, b.dModel, trackerParams.maskmemTposEnc.length / trackerParams.numMaskmem);
      if (trackerParams.source.startsWith('seeded') && !notes.includes(trackerParams.source))
        notes.push(trackerParams.source);
      await timed(timings, 'memory', () => addPerChannel(encoded.features, trackerParams!.noMemEmbed, b.hw, b.embed));
    } else {
      const tokens = early?.job ?? host.tokens(encoded.features, b.dModel, b.hw, b.tokens);
      memoryFrames = await attendMemory(tokens, encoded.pos!, b, index, timings);
    }
    // 5. mask_decoder: the box as two corner points (labels 2, 3) on frame 0, one pad point (label -1) after.
    const md = io.mask_decoder;
    const labelType = inputType(modules.mask_decoder, md.inputs.pointLabels);
    padPoint ??= { coords: f32(new Float32Array(2), [1, 1, 2]), labels: intTensor(rt, labelType, [-1], [1, 1]) };
    const points = prompt
      ? {
          coords: f32(Float32Array.from(promptCorners(prompt, frame, preprocessor.size)), [1, 2, 2]),
          labels: intTensor(rt, labelType, [2, 3], [1, 2]),
        }
      : padPoint;
    const decoded = await timed(timings, 'mask_decoder', () =>
      run(
        'mask_decoder',
        {
          [md.inputs.imageEmbed]: f32(b.embed, b.embedDims),
          [md.inputs.pointCoords]: points.coords,
          [md.inputs.pointLabels]: points.labels,
        },
        highResMasks === undefined ? Object.values(md.outputs) : [...Object.values(md.outputs), highResMasks],
      ),
    );
    // 6. Choose a mask (an absent object's is blanked); its memory-encoder input is made beside the next frame.
    const chosen = await timed(timings, 'postprocess', () => {
      const c = chooseMask(decoded, { ...md.outputs, highRes: highResMasks }, b, {
        side: preprocessor.size,
        selector,
        conditioning: prompt !== undefined,
        minObjectScore,
      });
      pending = {
        index,
        conditioning: prompt !== undefined,
        features: encoded.features,
        device: encoded.device,
        dims: encoded.dims,
        objPtr: Float32Array.from(decoded[md.outputs.objPtr]!.data as Float32Array),
        mask: host.maskForMem(c.forMemory, preprocessor.size, {
          scale: trackerParams!.sigmoidScale,
          bias: trackerParams!.sigmoidBias,
        }),
        scores: { iou: c.iou, objectScore: c.objectScore, kalmanScore: c.kalmanScore },
      };
      return c;
    });
    // 7. The box in video pixels.
    const box = await timed(timings, 'postprocess', () => videoBox(b, frame));
    frameIndex = index;
    timings.total = performance.now() - start;
    const { maskIndex, iou, objectScore, kalmanScore } = chosen;
    const result: TrackResult = {
      frameIndex: index,
      box,
      maskLogits: b.maskLogits,
      maskIndex,
      iou,
      objectScore,
      memoryFrames,
      timings,
    };
    if (kalmanScore !== undefined) result.kalmanScore = kalmanScore;
    return result;
  }

  /** memory_encoder on a pending frame's features and mask, then the frame goes into the bank. */
  async function encodeMemory(p: PendingMemory, b: TrackerBuffers, timings: StageTimings): Promise<void> {
    const mask = await timed(timings, 'postprocess', () => p.mask);
    const me = io.memory_encoder;
    const side = preprocessor.size;
    const memory = await timed(timings, 'memory_encoder', () =>
      run(
        'memory_encoder',
        {
          [me.inputs.pixFeat]: p.device ?? f32(p.features, p.dims),
          [me.inputs.mask]: f32(mask, [1, 1, side, side]),
        },
        [me.outputs.features, me.outputs.pos],
      ),
    );
    releaseDevice([p.device]);
    host.retire(mask);
    await timed(timings, 'memory', () => {
      const features = memory[me.outputs.features]!;
      if (!b.bank) b.bank = createMemoryBank(b, features.dims as number[], trackerParams!, memorySelection);
      b.bank.addFrame(
        p.index,
        features.data as Float32Array,
        memory[me.outputs.pos]!.data as Float32Array,
        p.objPtr,
        p.conditioning,
        p.scores,
      );
    });
  }

  /**
   * Memory attention of the current features over the bank; writes the conditioned features into `b.embed` and
   * returns the frames whose spatial memories it used.
   */
  async function attendMemory(
    tokensJob: Promise<Float32Array>,
    pos: Float32Array,
    b: TrackerBuffers,
    index: number,
    timings: StageTimings,
  ): Promise<number[]> {
    const bank = b.bank!;
    const tokens = await timed(timings, 'memory', () => tokensJob);
    const assembled = await timed(timings, 'memory', () => {
      // The image pos-enc is a fixed map for a fixed input size: transpose it only when it changed.
      if (!b.posValid || !sameValues(pos, b.lastPos)) {
        chwToTokens(pos, b.dModel, b.hw, b.tokensPos);
        b.lastPos.set(pos);
        b.posValid = true;
      }
      return bank.assemble(index);
    });
    const ma = io.memory_attention.inputs;
    const memLen = assembled.tokens * b.memDim;
    const memDims = isBatchFirst(modules.memory_attention, ma.memory)
      ? [1, assembled.tokens, b.memDim]
      : [assembled.tokens, 1, b.memDim];
    const out = await timed(timings, 'memory_attention', () =>
      run(
        'memory_attention',
        {
          [ma.curr]: f32(tokens, [b.hw, 1, b.dModel]),
          [ma.currPos]: f32(b.tokensPos, [b.hw, 1, b.dModel]),
          [ma.memory]: f32(bank.memory.subarray(0, memLen), memDims),
          [ma.memoryPos]: f32(bank.memoryPos.subarray(0, memLen), memDims),
          [ma.numObjPtrTokens]: intTensor(
            ort!,
            inputType(modules.memory_attention, ma.numObjPtrTokens),
            [assembled.objPtrTokens],
            [],
          ),
        },
        [io.memory_attention.outputs.features],
      ),
    );
    host.retire(tokens);
    await timed(timings, 'memory', () =>
      tokensToChw(out[io.memory_attention.outputs.features]!.data as Float32Array, b.dModel, b.hw, b.embed),
    );
    return assembled.segments.filter((s) => s.kind === 'frame').map((s) => s.frameIndex);
  }

  /** Forgets the frame whose memory was not encoded (a new sequence, or the end). */
  function dropPending(): void {
    if (pending) releaseDevice([pending.device]);
    pending?.mask.catch(() => undefined);
    pending = undefined;
  }

  function videoBox(b: TrackerBuffers, frame: RawImage): Box {
    if (options.box === 'low-res') {
      return scaleLowResBox(maskToBox(b.maskLogits, b.maskH, b.maskW), b.maskH, b.maskW, frame.height, frame.width);
    }
    const plan = resizedMaskBox(b.maskH, b.maskW, frame.height, frame.width);
    return plan.box(b.maskLogits);
  }

  return {
    get notes() {
      return [...notes, ...host.notes];
    },
    async init(frame, box, trackOptions) {
      dropPending();
      buffers?.bank?.clear();
      selector?.reset();
      return step(frame, box, trackOptions?.next);
    },
    async track(frame, trackOptions) {
      if (frameIndex < 0) {
        throw new ToolkitError('TRACKER_NOT_INITIALISED', 'track(frame) called before init(frame0, box)', {
          remedy: 'Call init() with the first frame and the object box first.',
        });
      }
      return step(frame, undefined, trackOptions?.next);
    },
    memorySize() {
      const next = frameIndex + 1;
      const bank = buffers?.bank;
      // A pending frame is in the next memory: it is at distance 1, and the slot it will take is out of range.
      if (pending?.conditioning) return { frames: 1, pointers: 1 };
      const extra = pending ? 1 : 0;
      return bank
        ? { frames: bank.framesFor(next) + extra, pointers: bank.pointersFor(next) + extra }
        : { frames: extra, pointers: extra };
    },
    async dispose() {
      dropPending();
      await host.dispose();
    },
  };
}
