/**
 * Realistic inputs for each module, made by running the reference stack's earlier modules on synthetic frames:
 * image_encoder sees a rendered frame; mask_decoder and memory_encoder see its features (and the object's box /
 * a mask of it); memory_attention sees a full memory bank (7 frames of memory-encoder output and 16 object
 * pointers from the decoder). Seeded: the same seed gives the same inputs on every machine.
 *
 * Roles are taken from the models' signatures (ranks, shapes, element types, declared order), not from one
 * exporter's names. What cannot be derived (an input with no recognisable role, a baked image input) keeps
 * bench's seeded role-aware values, and `notes` says so.
 */
import { dirname } from 'node:path';
import {
  type Feeds,
  generateFeeds,
  loadOrt,
  type ModuleKind,
  readModelSignature,
  readTrackerParams,
  resolveInputShapes,
  type TensorInfo,
} from '@tamkit/bench';
import { renderBackground, renderFrame } from '../synth/render.js';
import { drawScene, frameTruth } from '../synth/scene.js';
import type { HostTensor } from './compare-outputs.js';
import { runModuleOnStack } from './run-module.js';

/** Module files by module kind (any subset). */
export type ModuleFiles = Partial<Record<ModuleKind, string>>;

/** Options of `buildModuleInputs`. */
export interface ModuleInputsOptions {
  /** Stack that runs the earlier modules (the reference stack, on FP32 files). */
  stack: string;
  /** Seed of the synthetic scene and of generated values (default 0). */
  seed?: number;
  /** Options for the stack's runner. */
  stackOptions?: unknown;
}

/** Inputs per module, and what was approximated. */
export interface ModuleInputs {
  feeds: Partial<Record<ModuleKind, Feeds>>;
  notes: string[];
}

const MEMORY_FRAMES = 7;
const POINTERS = 16;
const MASK_LOGIT = 10;
const isFloat = (t: TensorInfo) => t.type === 'float32' || t.type === 'float16';

/** [1, C, H, W] -> [H*W, 1, C] token layout (sequence-first), as memory attention reads features. */
function toTokens(t: HostTensor): Float32Array {
  const [, c = 0, h = 0, w = 0] = t.dims;
  const hw = h * w;
  const out = new Float32Array(hw * c);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) out[p * c + ch] = t.data[ch * hw + p]!;
  return out;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Renders the synthetic frames (512 x 512 RGB) with the object box of each. */
function renderFrames(count: number, seed: number) {
  const scene = drawScene(512, 512, count, seed);
  const background = renderBackground(scene);
  return Array.from({ length: count }, (_, i) => {
    const truth = frameTruth(scene, i);
    return { rgb: renderFrame(scene, background, truth), box: truth.object };
  });
}

/** Normalised CHW image ([1, 3, S, S]) of a 512 x 512 RGB frame, resized by nearest neighbour when S != 512. */
function imageTensor(rgb: Uint8Array, side: number): Float32Array {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const out = new Float32Array(3 * side * side);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(511, Math.floor((y * 512) / side));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(511, Math.floor((x * 512) / side));
      for (let c = 0; c < 3; c++)
        out[c * side * side + y * side + x] = (rgb[(sy * 512 + sx) * 3 + c]! / 255 - mean[c]!) / std[c]!;
    }
  }
  return out;
}

/** +10 inside the box, -10 outside: the memory encoder's input for a confident mask (sigmoid*20-10). */
function boxMask(box: { x: number; y: number; w: number; h: number }, side: number): Float32Array {
  const out = new Float32Array(side * side).fill(-MASK_LOGIT);
  const s = side / 512;
  for (let y = Math.max(0, Math.floor(box.y * s)); y < Math.min(side, Math.ceil((box.y + box.h) * s)); y++)
    for (let x = Math.max(0, Math.floor(box.x * s)); x < Math.min(side, Math.ceil((box.x + box.w) * s)); x++)
      out[y * side + x] = MASK_LOGIT;
  return out;
}

/** Builds inputs for every module given (see the file comment). */
export async function buildModuleInputs(files: ModuleFiles, options: ModuleInputsOptions): Promise<ModuleInputs> {
  const ort = await loadOrt();
  const seed = options.seed ?? 0;
  const notes: string[] = [];
  const feeds: ModuleInputs['feeds'] = {};
  const signatures: Partial<Record<ModuleKind, { inputs: TensorInfo[]; outputs: TensorInfo[] }>> = {};
  for (const [kind, path] of Object.entries(files) as [ModuleKind, string][]) {
    const signature = await readModelSignature(path);
    signatures[kind] = signature;
    feeds[kind] = await generateFeeds(signature.inputs, resolveInputShapes(signature.inputs), seed);
  }
  const run = (kind: ModuleKind, f: Feeds) => runModuleOnStack(options.stack, files[kind]!, f, options);
  // FP32 feeds; runModuleOnStack converts them where a model declares FP16 inputs.
  const floats = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
  const frames = renderFrames(MEMORY_FRAMES + 1, seed);
  const current = frames.at(-1)!;

  // image_encoder on every frame: the features all later modules read.
  const enc = signatures.image_encoder;
  const image = enc?.inputs.find((t) => isFloat(t) && t.shape.length === 4 && t.shape[1] === 3);
  const side = typeof image?.shape[2] === 'number' ? image.shape[2] : 512;
  const features: { feat: HostTensor; pos: HostTensor | undefined }[] = [];
  if (enc && image) {
    // Later modules need every frame's features; the encoder alone needs only the current frame.
    const needed =
      signatures.mask_decoder || signatures.memory_encoder || signatures.memory_attention ? frames : [current];
    for (const frame of needed) {
      const f = {
        ...feeds.image_encoder,
        [image.name]: floats(imageTensor(frame.rgb, side), [1, 3, side, side]),
      };
      const outs = Object.values((await run('image_encoder', f)).outputs);
      features.push({ feat: outs[0]!, pos: outs[1] });
      if (frame === current) feeds.image_encoder = f;
    }
  } else if (enc) {
    notes.push('image_encoder: no float [1,3,S,S] input (baked preprocessing?): generated values used for it');
  } else {
    notes.push('no image_encoder: features for the other modules are generated values');
  }
  const sameDims = (info: TensorInfo | undefined, t: HostTensor | undefined) =>
    info !== undefined &&
    t !== undefined &&
    info.shape.length === t.dims.length &&
    info.shape.every((d, i) => d === t.dims[i]);
  const last = features.at(-1);

  // mask_decoder: the current frame's features, prompted with the object's box.
  const dec = signatures.mask_decoder;
  const pointers: Float32Array[] = [];
  if (dec && last) {
    const embed = dec.inputs.find((t) => isFloat(t) && t.shape.length === 4);
    const coords = dec.inputs.find((t) => isFloat(t) && t.shape.length === 3 && t.shape[2] === 2);
    const labels = dec.inputs.find((t) => !isFloat(t) && t.shape.length === 2);
    const ptrOut = dec.outputs.find((t) => t.shape.length === 2 && /ptr/i.test(t.name));
    const decoderFeeds = (i: number): Feeds => {
      const f: Feeds = { ...feeds.mask_decoder };
      if (sameDims(embed, features[i]!.feat))
        f[embed!.name] = floats(features[i]!.feat.data, [...features[i]!.feat.dims]);
      const b = frames[i]!.box;
      if (coords) f[coords.name] = floats(Float32Array.from([b.x, b.y, b.x + b.w, b.y + b.h]), [1, 2, 2]);
      if (labels)
        f[labels.name] = new ort.Tensor(
          labels.type,
          labels.type === 'int64' ? BigInt64Array.from([2n, 3n]) : Int32Array.from([2, 3]),
          [1, 2],
        );
      return f;
    };
    feeds.mask_decoder = decoderFeeds(features.length - 1);
    if (ptrOut)
      for (let i = 0; i < MEMORY_FRAMES; i++)
        pointers.push((await run('mask_decoder', decoderFeeds(i))).outputs[ptrOut.name]!.data);
  }

  // memory_encoder: the current frame's features and a confident mask of the object.
  const menc = signatures.memory_encoder;
  const memories: { feat: HostTensor; pos: HostTensor | undefined }[] = [];
  if (menc && last) {
    const mask = menc.inputs.find((t) => isFloat(t) && t.shape.length === 4 && t.shape[1] === 1);
    const pix = menc.inputs.find((t) => isFloat(t) && t.shape.length === 4 && t !== mask);
    const maskSide = typeof mask?.shape[2] === 'number' ? mask.shape[2] : 512;
    const encoderFeeds = (i: number): Feeds => {
      const f: Feeds = { ...feeds.memory_encoder };
      if (sameDims(pix, features[i]!.feat)) f[pix!.name] = floats(features[i]!.feat.data, [...features[i]!.feat.dims]);
      if (mask) f[mask.name] = floats(boxMask(frames[i]!.box, maskSide), [1, 1, maskSide, maskSide]);
      return f;
    };
    feeds.memory_encoder = encoderFeeds(features.length - 1);
    for (let i = 0; i < MEMORY_FRAMES; i++) {
      const outs = Object.values((await run('memory_encoder', encoderFeeds(i))).outputs);
      memories.push({ feat: outs[0]!, pos: outs[1] });
    }
  }

  // memory_attention: current tokens and a full bank (7 frames, 16 pointers split into memory-width tokens).
  const att = signatures.memory_attention;
  if (att && last && memories.length === MEMORY_FRAMES) {
    const seqInputs = att.inputs.filter((t) => isFloat(t) && t.shape.length === 3 && typeof t.shape[0] === 'number');
    const memInputs = att.inputs.filter((t) => isFloat(t) && t.shape.length === 3 && typeof t.shape[0] !== 'number');
    const count = att.inputs.find((t) => !isFloat(t) && t.shape.length === 0);
    const [curr, currPos] = seqInputs;
    const [memory, memoryPos] = memInputs;
    const f: Feeds = { ...feeds.memory_attention };
    const channels = last.feat.dims[1]!;
    const hw = last.feat.dims[2]! * last.feat.dims[3]!;
    if (curr) f[curr.name] = floats(toTokens(last.feat), [hw, 1, channels]);
    if (currPos && last.pos) f[currPos.name] = floats(toTokens(last.pos), [hw, 1, channels]);
    const memDim = memories[0]!.feat.dims[1]!;
    const spatial = memories.map((m) => toTokens(m.feat));
    const spatialPos = memories.map((m) => (m.pos ? toTokens(m.pos) : new Float32Array(m.feat.data.length)));
    // Temporal encodings (tracker-params.json next to the modules; SAM 2 order: the conditioning frame first with
    // t_pos 0, then the recent frames oldest to newest with t_pos 6..1; frame with t_pos t gets row 7 - t - 1).
    const params = await readTrackerParams(dirname(Object.values(files)[0]!));
    const tpos = params?.maskmemTposEnc;
    if (tpos && tpos.length === MEMORY_FRAMES * memDim) {
      spatialPos.forEach((pos, i) => {
        const row = tpos.subarray(
          (i === 0 ? MEMORY_FRAMES - 1 : i - 1) * memDim,
          (i === 0 ? MEMORY_FRAMES : i) * memDim,
        );
        for (let t = 0; t < pos.length; t += memDim) for (let c = 0; c < memDim; c++) pos[t + c]! += row[c]!;
      });
    }
    // Pointers from the decoder, cycled to 16 (SAM 2's cap); each [C] becomes C / memDim tokens.
    const ptrs = pointers.length ? Array.from({ length: POINTERS }, (_, i) => pointers[i % pointers.length]!) : [];
    const ptrTokens = (ptrs.length * (ptrs[0]?.length ?? 0)) / memDim;
    const tokens = MEMORY_FRAMES * hw + ptrTokens;
    if (memory) f[memory.name] = floats(concat([...spatial, ...ptrs]), [tokens, 1, memDim]);
    if (memoryPos)
      f[memoryPos.name] = floats(concat([...spatialPos, new Float32Array(ptrTokens * memDim)]), [tokens, 1, memDim]);
    if (count)
      f[count.name] = new ort.Tensor(
        count.type,
        count.type === 'int64' ? BigInt64Array.from([BigInt(ptrTokens)]) : Int32Array.from([ptrTokens]),
        [],
      );
    if (!pointers.length)
      notes.push('memory_attention: no decoder object pointer output found; the bank holds spatial memories only');
    if (!tpos || tpos.length !== MEMORY_FRAMES * memDim) {
      notes.push('memory_attention: no tracker-params.json with a temporal table (tpos): memory positions lack it');
    }
    feeds.memory_attention = f;
  }
  return { feeds, notes };
}
