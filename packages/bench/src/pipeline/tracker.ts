import { performance } from 'node:perf_hooks';
import { ToolkitError } from '@tamkit/graph-surgery';
import type { RawImage } from '../preprocess/normalize.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import { loadOrt, type OrtModule } from '../stacks/ort/load-ort.js';
import type { Feeds, Outputs, RunnerTensor } from '../stacks/types.js';
import { declaredMemDim, promptCorners, rawBytes } from './frame-helpers.js';
import { addPerChannel, chwToTokens, tokensToChw } from './layout.js';
import { type Box, maskToBox, ResizedMaskBox, scaleLowResBox } from './mask-box.js';
import { sameValues } from './memory-bank.js';
import { type ModuleIoNames, resolveModuleIo } from './module-io.js';
import type { ModuleRunner, ModuleRunners, TrackerModule } from './module-runner.js';
import { MotionSelector, type MotionSelectorOptions } from './motion-selector.js';
import { emptyTimings, type StageTimings } from './stages.js';
import { hostFloats, inputType, intTensor, isBatchFirst, releaseDevice } from './tensors.js';
import { allocateBuffers, createMemoryBank, type TrackerBuffers, takeMask } from './tracker-buffers.js';
import { checkTrackerParams, defaultTrackerParams, type TrackerParams } from './tracker-params.js';

/** Options of `createTracker`. */
export interface TrackerOptions {
  /** SAMURAI motion-aware mask selection (true for SAMURAI's defaults). Default off: best predicted IoU. */
  kalman?: boolean | MotionSelectorOptions;
  /**
   * Output box: `exact` thresholds the logits bilinearly resized to the video size (computed without building
   * the resized mask); `low-res` takes the 128x128 box and scales its coordinates (cheaper). Default `exact`.
   */
  box?: 'exact' | 'low-res';
  /**
   * Feed image_encoder's features to memory_encoder as the device tensor they are, when both modules run on the
   * same stack and that stack keeps outputs on the device. Default false.
   */
  keepOnDevice?: boolean;
  /** Seed of the default tracker parameters when `params` is absent. Default 0. */
  paramsSeed?: number;
}

/** What `createTracker` takes. Runners must be active. */
export interface CreateTrackerOptions {
  modules: ModuleRunners;
  /** Learned tensors outside the ONNX modules; seeded defaults when absent (said in `notes`). */
  params?: TrackerParams;
  options?: TrackerOptions;
}

/** One tracked frame. */
export interface TrackResult {
  frameIndex: number;
  /** [x, y, w, h] in video pixels, [0,0,0,0] when the object is absent. */
  box: Box;
  /** Chosen mask logits [maskH * maskW] (128x128). Reused: valid until the next call. */
  maskLogits: Float32Array;
  maskIndex: number;
  iou: number;
  objectScore: number;
  timings: StageTimings;
}

/** The tracking loop of one object: `init` on the first frame with a box, then `track` frame after frame. */
export interface Tracker {
  init(frame: RawImage, box: Box): Promise<TrackResult>;
  track(frame: RawImage): Promise<TrackResult>;
  /** Spatial memories and object pointers the next frame's memory attention will use. */
  memorySize(): { frames: number; pointers: number };
  /** Caveats for the result (default parameters, approximations). */
  readonly notes: readonly string[];
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
  if (selector)
    notes.push(
      'SAMURAI Kalman selection on candidate boxes from the 128x128 logits (x4 to 512 space); memory selection not applied',
    );
  const keep =
    options.keepOnDevice === true &&
    modules.image_encoder.stack === modules.memory_encoder.stack &&
    modules.image_encoder.capabilities.deviceOutputs;
  const preprocessor = new Preprocessor();
  // A second rank-4 float output of the decoder is the mask logits already upsampled in the graph (mask-resize bake).
  const highResMasks = modules.mask_decoder.outputs.find(
    (o) => o.shape.length === 4 && o.type === 'float32' && o.name !== io.mask_decoder.outputs.masks,
  )?.name;
  if (highResMasks !== undefined)
    notes.push(`memory-encoder mask from the decoder's in-graph upsampled output "${highResMasks}"`);
  const boxes = new Map<string, ResizedMaskBox>();
  let ort: OrtModule | undefined;
  let buffers: TrackerBuffers | undefined;
  let trackerParams = params;
  let frameIndex = -1;
  let padPoint: { coords: RunnerTensor; labels: RunnerTensor } | undefined;

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

  async function step(frame: RawImage, prompt: Box | undefined): Promise<TrackResult> {
    ort ??= await loadOrt();
    const rt = ort;
    const timings = emptyTimings();
    const start = performance.now();
    const index = prompt ? 0 : frameIndex + 1;
    // 1. Preprocess (or hand the raw frame to a graph with preprocessing baked in).
    const image = await timed(timings, 'preprocess', () =>
      io.image_encoder.rawFrames
        ? new rt.Tensor('uint8', rawBytes(frame), [frame.height, frame.width, 3])
        : f32(preprocessor.fromRgb(frame), [1, 3, preprocessor.size, preprocessor.size]),
    );
    // 2. image_encoder. Features stay on the device when memory_encoder can take them from there.
    const enc = io.image_encoder.outputs;
    const encoded = await timed(timings, 'image_encoder', async () => {
      const out = await modules.image_encoder.infer({ [io.image_encoder.inputs.image]: image });
      const features = await hostFloats(modules.image_encoder, out[enc.features]!);
      const pos = prompt ? undefined : await hostFloats(modules.image_encoder, out[enc.pos]!);
      if (!keep) releaseDevice([out[enc.features], out[enc.pos]]);
      else releaseDevice([out[enc.pos]]);
      return { features, pos, device: keep ? out[enc.features] : undefined, dims: out[enc.features]!.dims };
    });
    buffers ??= allocateBuffers(encoded.dims as number[], preprocessor.size);
    const b = buffers;
    trackerParams ??= defaultTrackerParams(b.dModel, declaredMemDim(modules, io), options.paramsSeed ?? 0);
    // 3. Condition the features: no-memory embedding on the conditioning frame, memory attention afterwards.
    if (prompt) {
      checkTrackerParams(trackerParams, b.dModel, trackerParams.maskmemTposEnc.length / trackerParams.numMaskmem);
      if (trackerParams.source.startsWith('seeded') && !notes.includes(trackerParams.source))
        notes.push(trackerParams.source);
      await timed(timings, 'memory', () => addPerChannel(encoded.features, trackerParams!.noMemEmbed, b.hw, b.embed));
    } else {
      const bank = b.bank!;
      const assembled = await timed(timings, 'memory', () => {
        chwToTokens(encoded.features, b.dModel, b.hw, b.tokens);
        // The image pos-enc is a fixed map for a fixed input size: transpose it only when it changed.
        if (!b.posValid || !sameValues(encoded.pos!, b.lastPos)) {
          chwToTokens(encoded.pos!, b.dModel, b.hw, b.tokensPos);
          b.lastPos.set(encoded.pos!);
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
            [ma.curr]: f32(b.tokens, [b.hw, 1, b.dModel]),
            [ma.currPos]: f32(b.tokensPos, [b.hw, 1, b.dModel]),
            [ma.memory]: f32(bank.memory.subarray(0, memLen), memDims),
            [ma.memoryPos]: f32(bank.memoryPos.subarray(0, memLen), memDims),
            [ma.numObjPtrTokens]: intTensor(
              rt,
              inputType(modules.memory_attention, ma.numObjPtrTokens),
              [assembled.objPtrTokens],
              [],
            ),
          },
          [io.memory_attention.outputs.features],
        ),
      );
      await timed(timings, 'memory', () =>
        tokensToChw(out[io.memory_attention.outputs.features]!.data as Float32Array, b.dModel, b.hw, b.embed),
      );
    }
    // 4. mask_decoder: the box as two corner points (labels 2, 3) on frame 0, one pad point (label -1) after.
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
    // 5. Choose a mask, mask out an absent object, upsample for the memory encoder.
    const chosen = await timed(timings, 'postprocess', () =>
      takeMask(decoded, { ...io.mask_decoder.outputs, highRes: highResMasks }, b, {
        side: preprocessor.size,
        params: trackerParams!,
        selector,
        conditioning: prompt !== undefined,
      }),
    );
    // 6. memory_encoder on the raw features and the chosen mask; 7. store the frame.
    const me = io.memory_encoder;
    const memory = await timed(timings, 'memory_encoder', () =>
      run(
        'memory_encoder',
        {
          [me.inputs.pixFeat]: encoded.device ?? f32(encoded.features, encoded.dims),
          [me.inputs.mask]: f32(b.maskForMem, [1, 1, preprocessor.size, preprocessor.size]),
        },
        [me.outputs.features, me.outputs.pos],
      ),
    );
    releaseDevice([encoded.device]);
    await timed(timings, 'memory', () => {
      const features = memory[me.outputs.features]!;
      if (!b.bank) b.bank = createMemoryBank(b, features.dims as number[], trackerParams!);
      const objPtr = decoded[md.outputs.objPtr]!.data as Float32Array;
      b.bank.addFrame(
        index,
        features.data as Float32Array,
        memory[me.outputs.pos]!.data as Float32Array,
        objPtr,
        prompt !== undefined,
      );
    });
    // 8. The box in video pixels.
    const box = await timed(timings, 'postprocess', () => videoBox(b, frame));
    frameIndex = index;
    timings.total = performance.now() - start;
    return { frameIndex: index, box, maskLogits: b.maskLogits, ...chosen, timings };
  }

  function videoBox(b: TrackerBuffers, frame: RawImage): Box {
    if (options.box === 'low-res') {
      return scaleLowResBox(maskToBox(b.maskLogits, b.maskH, b.maskW), b.maskH, b.maskW, frame.height, frame.width);
    }
    const key = `${b.maskH}x${b.maskW}->${frame.height}x${frame.width}`;
    const plan = boxes.get(key) ?? new ResizedMaskBox(b.maskH, b.maskW, frame.height, frame.width);
    boxes.set(key, plan);
    return plan.box(b.maskLogits);
  }

  return {
    notes,
    async init(frame, box) {
      buffers?.bank?.clear();
      selector?.reset();
      return step(frame, box);
    },
    async track(frame) {
      if (frameIndex < 0) {
        throw new ToolkitError('TRACKER_NOT_INITIALISED', 'track(frame) called before init(frame0, box)', {
          remedy: 'Call init() with the first frame and the object box first.',
        });
      }
      return step(frame, undefined);
    },
    memorySize() {
      const bank = buffers?.bank;
      const next = frameIndex + 1;
      return bank ? { frames: bank.framesFor(next), pointers: bank.pointersFor(next) } : { frames: 0, pointers: 0 };
    },
  };
}
