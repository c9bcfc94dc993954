/**
 * The tracking loop's stages, one named function each, in the order `trackFrame` runs them. A reader (or a
 * profiler) finds each by name; the state they share is the `TrackerContext`.
 */
import { performance } from 'node:perf_hooks';
import { MEMORY_MASK_INPUTS } from '@tamkit/graph-surgery';
import type { RawImage } from '../preprocess/normalize.js';
import { loadOrt } from '../stacks/ort/load-ort.js';
import type { Feeds, Outputs, RunnerTensor } from '../stacks/types.js';
import { declaredMemDim, promptCorners, rawBytes } from './frame-helpers.js';
import { addPerChannel, chwToTokens, tokensToChw } from './layout.js';
import { type Box, maskToBox, resizedMaskBox, scaleLowResBox } from './mask-box.js';
import { sameValues } from './memory-bank.js';
import type { AssembledMemory } from './memory-bank-types.js';
import { emptyTimings, type StageTimings } from './stages.js';
import { hostFloats, inputType, intTensor, isBatchFirst, releaseDevice } from './tensors.js';
import {
  allocateBuffers,
  type ChosenMask,
  chooseMask,
  createMemoryBank,
  type TrackerBuffers,
} from './tracker-buffers.js';
import {
  type AheadEncoding,
  type EncodedImage,
  f32,
  type PendingMemory,
  runModule,
  type TrackerContext,
  timed,
} from './tracker-context.js';
import { checkTrackerParams, defaultTrackerParams } from './tracker-params.js';
import type { TrackResult } from './tracker-types.js';

/** The image_encoder input of a frame: the preprocessed tensor, or the raw frame for a graph that preprocesses. */
interface ImageInput {
  tensor: RunnerTensor;
  /** The preprocessed host data (absent for raw frames), retired once image_encoder has read it. */
  data: Float32Array | undefined;
}

/** One frame through the loop: `prompt` on the conditioning frame, `next` the frame the next call will get. */
export async function trackFrame(
  ctx: TrackerContext,
  frame: RawImage,
  prompt: Box | undefined,
  next: RawImage | Promise<RawImage> | undefined,
): Promise<TrackResult> {
  ctx.ort ??= await loadOrt();
  const timings = emptyTimings();
  const start = performance.now();
  const index = prompt ? 0 : ctx.frameIndex + 1;
  ctx.host.nextFrame();
  const ahead = takeAhead(ctx, frame);
  let encoded: EncodedImage;
  let aheadTimings: StageTimings | undefined;
  if (ahead) {
    // Encoded beside the previous frame: only what is left of it is on this frame's clock.
    ({ encoded, timings: aheadTimings } = await timed(timings, 'image_encoder', () => ahead.result));
  } else {
    const image = await preprocessFrame(ctx, frame, ctx.encoderAhead ? undefined : next, timings);
    encoded = await encodeImage(ctx, image, prompt !== undefined, timings);
  }
  if (ctx.encoderAhead && next) ctx.ahead = encodeAhead(ctx, next);
  ctx.buffers ??= allocateBuffers(encoded.dims as number[]);
  const b = ctx.buffers;
  ctx.params ??= defaultTrackerParams(b.dModel, declaredMemDim(ctx.modules, ctx.io), ctx.options.paramsSeed ?? 0);
  // The previous frame's memory, now that its mask is ready (see PendingMemory); meanwhile the host worker turns
  // this frame's features into memory-attention tokens.
  const early =
    !prompt && ctx.pending && ctx.host.threaded && !ctx.layoutInGraph
      ? await timed(timings, 'attention_inputs', () => ({
          job: ctx.host.tokens(encoded.features, b.dModel, b.hw, b.tokens),
        }))
      : undefined;
  if (ctx.pending) await encodeMemory(ctx, ctx.pending, b, timings);
  ctx.pending = undefined;
  let memoryFrames: number[] = [];
  let decoded: Outputs;
  if (prompt) {
    await conditionWithoutMemory(ctx, encoded, b, timings);
    decoded = await decodeMask(ctx, frame, prompt, b, timings);
  } else if (ctx.attentionDecoder) {
    ({ decoded, memoryFrames } = await attendAndDecode(ctx, encoded, b, index, timings));
  } else {
    const tokens = ctx.layoutInGraph
      ? undefined
      : (early?.job ?? ctx.host.tokens(encoded.features, b.dModel, b.hw, b.tokens));
    memoryFrames = await attendMemory(ctx, tokens, encoded, b, index, timings);
    decoded = await decodeMask(ctx, frame, prompt, b, timings);
  }
  const chosen = await timed(timings, 'postprocess', () => chooseFrameMask(ctx, decoded, encoded, index, prompt, b));
  const box = await timed(timings, 'postprocess', () => videoBox(ctx, b, frame));
  ctx.frameIndex = index;
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
  if (aheadTimings) result.ahead = aheadTimings;
  return result;
}

/**
 * The next frame's preprocessing and image_encoder run, started now: the runner is threaded, so the run goes on
 * in its worker while this thread carries on with the current frame.
 */
function encodeAhead(ctx: TrackerContext, given: RawImage | Promise<RawImage>): AheadEncoding {
  let resolved: RawImage | undefined;
  const result = (async () => {
    const frame = await given;
    resolved = frame;
    const timings = emptyTimings();
    const start = performance.now();
    const image = await preprocessFrame(ctx, frame, undefined, timings);
    const encoded = await encodeImage(ctx, image, false, timings);
    timings.total = performance.now() - start;
    return { encoded, timings };
  })();
  // Awaited by the frame it is for; a failure with nobody waiting (the sequence ended) is not unhandled.
  result.catch(() => undefined);
  return {
    given,
    get frame() {
      return resolved;
    },
    result,
  };
}

/** The encoding started for `frame`, if that is the frame handed over; any other is dropped. */
function takeAhead(ctx: TrackerContext, frame: RawImage): AheadEncoding | undefined {
  const ahead = ctx.ahead;
  ctx.ahead = undefined;
  if (!ahead) return undefined;
  if (ahead.given === frame || ahead.frame === frame) return ahead;
  return undefined;
}

/**
 * 1. Preprocesses the frame (or hands the raw frame to a graph with preprocessing baked in), and starts on the
 * next frame in the host worker.
 */
export async function preprocessFrame(
  ctx: TrackerContext,
  frame: RawImage,
  next: RawImage | Promise<RawImage> | undefined,
  timings: StageTimings,
): Promise<ImageInput> {
  const { host, io } = ctx;
  const size = host.preprocessor.size;
  return timed(timings, 'preprocess', async () => {
    const data = io.image_encoder.rawFrames ? undefined : await host.preprocess(frame);
    if (next && data && host.threaded) host.prefetch(next);
    return data
      ? { tensor: f32(ctx, data, [1, 3, size, size]), data }
      : {
          tensor: new ctx.ort!.Tensor('uint8', rawBytes(frame, ctx.rawScratch), [frame.height, frame.width, 3]),
          data,
        };
  });
}

/** 2. image_encoder. Features stay on the device when memory_encoder can take them from there. */
export async function encodeImage(
  ctx: TrackerContext,
  image: ImageInput,
  conditioning: boolean,
  timings: StageTimings,
): Promise<EncodedImage> {
  const enc = ctx.io.image_encoder.outputs;
  const encoder = ctx.modules.image_encoder;
  const out = await timed(timings, 'image_encoder', () =>
    encoder.infer({ [ctx.io.image_encoder.inputs.image]: image.tensor }),
  );
  if (image.data) ctx.host.retire(image.data);
  return timed(timings, 'host_copies', async () => {
    const features = await hostFloats(encoder, out[enc.features]!);
    const pos = conditioning ? undefined : await hostFloats(encoder, out[enc.pos]!);
    const keep = ctx.keepFeaturesOnDevice;
    if (!keep) releaseDevice([out[enc.features], out[enc.pos]]);
    else releaseDevice([out[enc.pos]]);
    return { features, pos, device: keep ? out[enc.features] : undefined, dims: out[enc.features]!.dims };
  });
}

/** 3. memory_encoder on a pending frame's features and mask, then the frame goes into the bank. */
export async function encodeMemory(
  ctx: TrackerContext,
  p: PendingMemory,
  b: TrackerBuffers,
  timings: StageTimings,
): Promise<void> {
  const me = ctx.io.memory_encoder;
  let mask: Float32Array | undefined;
  let memory: Outputs;
  if (p.started) {
    // Started in its worker thread when the frame's mask was chosen: only what is left of the run waits here.
    memory = await timed(timings, 'memory_encoder', () => p.started!);
  } else {
    mask = await timed(timings, 'postprocess', () => p.mask);
    memory = await runModule(
      ctx,
      'memory_encoder',
      memoryFeeds(ctx, p, mask),
      [me.outputs.features, me.outputs.pos],
      timings,
    );
  }
  releaseDevice([p.device]);
  if (mask) ctx.host.retire(mask);
  await timed(timings, 'bank_update', () => {
    const features = memory[me.outputs.features]!;
    if (!b.bank) b.bank = createMemoryBank(b, features.dims as number[], ctx.params!, ctx.memorySelection);
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

/** memory_encoder's feeds for a pending frame: its features, and the mask (or the logits and the mask's scale and bias). */
function memoryFeeds(ctx: TrackerContext, p: PendingMemory, mask: Float32Array): Feeds {
  const me = ctx.io.memory_encoder;
  const params = ctx.params!;
  return {
    [me.inputs.pixFeat]: p.device ?? f32(ctx, p.features, p.dims),
    [me.inputs.mask]: f32(ctx, mask, p.maskDims),
    ...(ctx.maskInGraph
      ? {
          [MEMORY_MASK_INPUTS.scale]: f32(ctx, Float32Array.of(params.sigmoidScale), []),
          [MEMORY_MASK_INPUTS.bias]: f32(ctx, Float32Array.of(params.sigmoidBias), []),
        }
      : {}),
  };
}

/** 4a. The conditioning frame: the features plus the no-memory embedding, into `b.embed`. */
export async function conditionWithoutMemory(
  ctx: TrackerContext,
  encoded: EncodedImage,
  b: TrackerBuffers,
  timings: StageTimings,
): Promise<void> {
  const params = ctx.params!;
  checkTrackerParams(params, b.dModel, params.maskmemTposEnc.length / params.numMaskmem);
  if (params.source.startsWith('seeded') && !ctx.notes.includes(params.source)) ctx.notes.push(params.source);
  await timed(timings, 'attention_inputs', () => addPerChannel(encoded.features, params.noMemEmbed, b.hw, b.embed));
}

/** memory_attention's feeds for the current features over the bank, and what the bank assembled. */
async function attentionFeeds(
  ctx: TrackerContext,
  tokensJob: Promise<Float32Array> | undefined,
  encoded: EncodedImage,
  b: TrackerBuffers,
  index: number,
  timings: StageTimings,
): Promise<{ feeds: Feeds; assembled: AssembledMemory; tokens: Float32Array | undefined }> {
  const bank = b.bank!;
  const pos = encoded.pos!;
  // Token-layout models take the features as tokens (made in the worker or here); a model baked by
  // bakeFeatureLayout takes the image encoder's maps as they are.
  const tokens = tokensJob && (await timed(timings, 'attention_inputs', () => tokensJob));
  const attention = ctx.modules.memory_attention;
  const ma = ctx.io.memory_attention.inputs;
  return timed(timings, 'attention_inputs', () => {
    if (tokens && (!b.posValid || !sameValues(pos, b.lastPos))) {
      // The image pos-enc is a fixed map for a fixed input size: transpose it only when it changed.
      chwToTokens(pos, b.dModel, b.hw, b.tokensPos);
      b.lastPos.set(pos);
      b.posValid = true;
    }
    const assembled = bank.assemble(index);
    const memLen = assembled.tokens * b.memDim;
    const memDims = isBatchFirst(attention, ma.memory)
      ? [1, assembled.tokens, b.memDim]
      : [assembled.tokens, 1, b.memDim];
    const feeds = {
      ...(tokens
        ? {
            [ma.curr]: f32(ctx, tokens, [b.hw, 1, b.dModel]),
            [ma.currPos]: f32(ctx, b.tokensPos, [b.hw, 1, b.dModel]),
          }
        : { [ma.curr]: f32(ctx, encoded.features, encoded.dims), [ma.currPos]: f32(ctx, pos, encoded.dims) }),
      [ma.memory]: f32(ctx, bank.memory.subarray(0, memLen), memDims),
      [ma.memoryPos]: f32(ctx, bank.memoryPos.subarray(0, memLen), memDims),
      [ma.numObjPtrTokens]: intTensor(ctx.ort!, inputType(attention, ma.numObjPtrTokens), [assembled.objPtrTokens], []),
    };
    return { assembled, feeds, tokens };
  });
}

/** The frames whose spatial memories an assembled memory holds. */
function memoryFramesOf(assembled: AssembledMemory): number[] {
  return assembled.segments.filter((s) => s.kind === 'frame').map((s) => s.frameIndex);
}

/**
 * 4b. Memory attention of the current features over the bank; writes the conditioned features into `b.embed`
 * and returns the frames whose spatial memories it used.
 */
export async function attendMemory(
  ctx: TrackerContext,
  tokensJob: Promise<Float32Array> | undefined,
  encoded: EncodedImage,
  b: TrackerBuffers,
  index: number,
  timings: StageTimings,
): Promise<number[]> {
  const { feeds, assembled, tokens } = await attentionFeeds(ctx, tokensJob, encoded, b, index, timings);
  const out = await runModule(ctx, 'memory_attention', feeds, [ctx.io.memory_attention.outputs.features], timings);
  if (tokens) ctx.host.retire(tokens);
  const conditioned = out[ctx.io.memory_attention.outputs.features]!.data as Float32Array;
  await timed(timings, 'attention_inputs', () =>
    tokens ? tokensToChw(conditioned, b.dModel, b.hw, b.embed) : b.embed.set(conditioned),
  );
  return memoryFramesOf(assembled);
}

/**
 * 4b + 5 in one run: memory attention and the mask decoder merged into one graph (`TrackerContext.attentionDecoder`):
 * the conditioned features stay on the device. The run counts to the memory_attention stage (mask_decoder's stays
 * 0 on these frames). Returns the decoder's outputs and the frames whose memories were used.
 */
export async function attendAndDecode(
  ctx: TrackerContext,
  encoded: EncodedImage,
  b: TrackerBuffers,
  index: number,
  timings: StageTimings,
): Promise<{ decoded: Outputs; memoryFrames: number[] }> {
  const { feeds, assembled } = await attentionFeeds(ctx, undefined, encoded, b, index, timings);
  const md = ctx.io.mask_decoder;
  const points = padPoint(ctx);
  const outputs = Object.values(md.outputs);
  const decoded = await runModule(
    ctx,
    'memory_attention',
    { ...feeds, [md.inputs.pointCoords]: points.coords, [md.inputs.pointLabels]: points.labels },
    ctx.highResMasks === undefined ? outputs : [...outputs, ctx.highResMasks],
    timings,
    ctx.attentionDecoder,
  );
  return { decoded, memoryFrames: memoryFramesOf(assembled) };
}

/** The one pad point (label -1) of tracked frames, made once. */
function padPoint(ctx: TrackerContext): { coords: RunnerTensor; labels: RunnerTensor } {
  const labelType = inputType(ctx.modules.mask_decoder, ctx.io.mask_decoder.inputs.pointLabels);
  ctx.padPoint ??= {
    coords: f32(ctx, new Float32Array(2), [1, 1, 2]),
    labels: intTensor(ctx.ort!, labelType, [-1], [1, 1]),
  };
  return ctx.padPoint;
}

/** 5. mask_decoder: the box as two corner points (labels 2, 3) on frame 0, one pad point (label -1) after. */
export async function decodeMask(
  ctx: TrackerContext,
  frame: RawImage,
  prompt: Box | undefined,
  b: TrackerBuffers,
  timings: StageTimings,
): Promise<Outputs> {
  const md = ctx.io.mask_decoder;
  const labelType = inputType(ctx.modules.mask_decoder, md.inputs.pointLabels);
  const side = ctx.host.preprocessor.size;
  const points = prompt
    ? {
        coords: f32(ctx, Float32Array.from(promptCorners(prompt, frame, side)), [1, 2, 2]),
        labels: intTensor(ctx.ort!, labelType, [2, 3], [1, 2]),
      }
    : padPoint(ctx);
  const outputs = Object.values(md.outputs);
  return runModule(
    ctx,
    'mask_decoder',
    {
      [md.inputs.imageEmbed]: f32(ctx, b.embed, b.embedDims),
      [md.inputs.pointCoords]: points.coords,
      [md.inputs.pointLabels]: points.labels,
    },
    ctx.highResMasks === undefined ? outputs : [...outputs, ctx.highResMasks],
    timings,
  );
}

/**
 * 6. Chooses a mask (an absent object's is blanked) and leaves the frame pending: its memory-encoder input is
 * made beside the next frame.
 */
export function chooseFrameMask(
  ctx: TrackerContext,
  decoded: Outputs,
  encoded: EncodedImage,
  index: number,
  prompt: Box | undefined,
  b: TrackerBuffers,
): ChosenMask {
  const md = ctx.io.mask_decoder;
  const side = ctx.host.preprocessor.size;
  const c = chooseMask(decoded, { ...md.outputs, highRes: ctx.highResMasks }, b, {
    side,
    selector: ctx.selector,
    conditioning: prompt !== undefined,
    minObjectScore: ctx.minObjectScore,
  });
  ctx.pending = {
    index,
    conditioning: prompt !== undefined,
    features: encoded.features,
    device: encoded.device,
    dims: encoded.dims,
    objPtr: Float32Array.from(decoded[md.outputs.objPtr]!.data as Float32Array),
    // The logits are copied: the low-res ones live in a buffer the next frame reuses.
    mask: ctx.maskInGraph
      ? Promise.resolve(Float32Array.from(c.forMemory.logits))
      : ctx.host.maskForMem(c.forMemory, side, { scale: ctx.params!.sigmoidScale, bias: ctx.params!.sigmoidBias }),
    maskDims: ctx.maskInGraph ? [1, 1, c.forMemory.height, c.forMemory.width] : [1, 1, side, side],
    scores: { iou: c.iou, objectScore: c.objectScore, kalmanScore: c.kalmanScore },
    started: undefined,
  };
  // A memory encoder in its own worker thread starts now, beside the rest of this frame and the start of the next.
  const pending = ctx.pending;
  if (ctx.memoryEarly && !pending.device) {
    pending.started = pending.mask.then((mask) => ctx.modules.memory_encoder.infer(memoryFeeds(ctx, pending, mask)));
    pending.started.catch(() => undefined);
  }
  return c;
}

/** 7. The box in video pixels: exact (the logits resized to the frame) or the scaled low-res box. */
export function videoBox(ctx: TrackerContext, b: TrackerBuffers, frame: RawImage): Box {
  if (ctx.options.box === 'low-res') {
    return scaleLowResBox(maskToBox(b.maskLogits, b.maskH, b.maskW), b.maskH, b.maskW, frame.height, frame.width);
  }
  return resizedMaskBox(b.maskH, b.maskW, frame.height, frame.width).box(b.maskLogits);
}

/** Forgets the frame whose memory was not encoded and the next frame's encoding (a new sequence, or the end). */
export function dropPending(ctx: TrackerContext): void {
  if (ctx.pending) releaseDevice([ctx.pending.device]);
  ctx.pending?.mask.catch(() => undefined);
  ctx.pending = undefined;
  ctx.ahead = undefined;
}
