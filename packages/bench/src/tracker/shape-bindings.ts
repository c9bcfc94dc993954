/**
 * The shapes the tracking loop settles into, derived from the modules' declared inputs and the tracker
 * parameters (never hard-coded): memory_attention once the bank is full (numMaskmem frames of H*W tokens plus
 * maxObjPtrs pointers of d_model/mem_dim tokens: 7 x 1024 + 16 x 4 = 7232 for EfficientTAM-Ti at 512), and
 * mask_decoder on tracking frames (one pad point), memory_encoder on the decoder's low-res logits when it makes
 * its mask from them in the graph.
 */
import { inferShapes, readModel } from '@tamkit/graph-surgery';
import { isIntegerScalar, type ShapeBinding } from '../stacks/shape-variant.js';
import type { TensorInfo } from '../stacks/types.js';
import { resolveModuleIo } from './module-io.js';
import type { ModuleRunners, TrackerModule } from './module-runner.js';

/** Memory sizes of the tracker (`TrackerParams`' fields; SAM 2's 7 and 16 when absent). */
export interface BankSize {
  numMaskmem: number;
  maxObjPtrs: number;
}

export const DEFAULT_BANK_SIZE: BankSize = { numMaskmem: 7, maxObjPtrs: 16 };

/** Tokens of a full memory bank and the pointer tokens among them, from memory_attention's declared inputs. */
export function fullBankTokens(
  curr: TensorInfo,
  memory: TensorInfo,
  bank: BankSize,
): { tokens: number; objPtrTokens: number } | undefined {
  // [HW, 1, C] tokens, or [1, C, H, W] after bakeFeatureLayout.
  const dModel = curr.shape.length === 4 ? curr.shape[1] : curr.shape.at(-1);
  const memDim = memory.shape.at(-1);
  if (typeof dModel !== 'number' || typeof memDim !== 'number' || !curr.shape.every((d) => typeof d === 'number')) {
    return undefined;
  }
  const hw = (curr.shape as number[]).reduce((a, b) => a * b, 1) / dModel;
  const ptrTokens = dModel / memDim;
  if (!Number.isInteger(ptrTokens)) return undefined;
  const objPtrTokens = bank.maxObjPtrs * ptrTokens;
  return { tokens: bank.numMaskmem * hw + objPtrTokens, objPtrTokens };
}

/** `shape` with its one symbolic axis set to `size` (undefined when it has none or several). */
function withSymbolicAxis(shape: readonly (number | string)[], size: number): number[] | undefined {
  const symbolic = shape.filter((d) => typeof d === 'string').length;
  if (symbolic !== 1) return undefined;
  return shape.map((d) => (typeof d === 'string' ? size : d));
}

/**
 * The bindings worth a fixed session per module: memory_attention at the full bank, mask_decoder with one
 * point. Modules whose inputs are all fixed get none (they are specialised as they are). `notes` says what
 * could not be derived.
 */
export function trackerShapeBindings(
  modules: ModuleRunners,
  bank: BankSize = DEFAULT_BANK_SIZE,
  decoderLowRes?: readonly number[],
): { bindings: Partial<Record<TrackerModule, ShapeBinding[]>>; notes: string[] } {
  const io = resolveModuleIo(modules);
  const notes: string[] = [];
  const bindings: Partial<Record<TrackerModule, ShapeBinding[]>> = {};
  const info = (m: TrackerModule, name: string) => modules[m].inputs.find((i) => i.name === name)!;
  const ma = io.memory_attention.inputs;
  const full = fullBankTokens(info('memory_attention', ma.curr), info('memory_attention', ma.memory), bank);
  const memShape = full && withSymbolicAxis(info('memory_attention', ma.memory).shape, full.tokens);
  const posShape = full && withSymbolicAxis(info('memory_attention', ma.memoryPos).shape, full.tokens);
  if (full && memShape && posShape) {
    const binding: ShapeBinding = { shapes: { [ma.memory]: memShape, [ma.memoryPos]: posShape }, values: {} };
    if (isIntegerScalar(info('memory_attention', ma.numObjPtrTokens))) {
      binding.values[ma.numObjPtrTokens] = full.objPtrTokens;
    }
    bindings.memory_attention = [binding];
  } else {
    notes.push(
      'memory_attention: the full-bank shape could not be derived (curr needs fixed dims, memory one symbolic token axis); it runs as exported',
    );
  }
  const md = io.mask_decoder.inputs;
  const coords = withSymbolicAxis(info('mask_decoder', md.pointCoords).shape, 1);
  const labels = withSymbolicAxis(info('mask_decoder', md.pointLabels).shape, 1);
  if (coords && labels)
    bindings.mask_decoder = [{ shapes: { [md.pointCoords]: coords, [md.pointLabels]: labels }, values: {} }];
  // A memory encoder that makes its mask from the logits (bakeMemoryMask) takes them at the decoder's low-res size.
  const maskInput = info('memory_encoder', io.memory_encoder.inputs.mask);
  // Declared by the decoder, or (a real export declares placeholders) inferred from its graph by the caller.
  const declared = modules.mask_decoder.outputs.find((o) => o.name === io.mask_decoder.outputs.masks)?.shape.slice(2);
  const lowRes = declared?.every((d) => typeof d === 'number') ? declared : decoderLowRes;
  if (maskInput.shape.some((d) => typeof d === 'string') && lowRes?.every((d) => typeof d === 'number')) {
    const shape = maskInput.shape.map((d, axis) => (typeof d === 'number' ? d : axis >= 2 ? lowRes[axis - 2]! : 1));
    bindings.memory_encoder = [{ shapes: { [maskInput.name]: shape as number[] }, values: {} }];
  }
  return { bindings, notes };
}

/** Whether every input of a module has fixed dims and none is an integer scalar: one shape, nothing to bind. */
export function hasOneShape(inputs: readonly TensorInfo[]): boolean {
  return inputs.every((i) => i.shape.every((d) => typeof d === 'number') && !isIntegerScalar(i));
}

/**
 * The [height, width] of the decoder's low-res mask logits from its graph (graph-surgery `inferShapes`, through
 * the exporter's shape arithmetic): a real export declares that output with placeholder dims. Undefined when the
 * graph does not say.
 */
export async function inferredLowResSize(decoderFile: string, masksOutput: string): Promise<number[] | undefined> {
  const model = await readModel(decoderFile);
  const graph = model.graph;
  if (!graph) return undefined;
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const shape = inferShapes(graph, { opset: Number(opset?.version ?? 17) }).facts.get(masksOutput)?.shape;
  return shape?.length === 4 ? shape.slice(2) : undefined;
}
