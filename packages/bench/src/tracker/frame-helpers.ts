import { ToolkitError } from '@tamkit/common';
import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from './mask-box.js';
import type { ModuleIoNames } from './module-io.js';
import type { ModuleRunners } from './module-runner.js';
import { TRACKER_PARAMS_FILE } from './tracker-params.js';

/**
 * The frame's bytes for a graph that takes uint8 HWC RGB: no copy for a Uint8Array over ordinary memory; a
 * frame in a SharedArrayBuffer is copied into `scratch` (grown as needed and returned), as onnxruntime-node
 * refuses tensors over shared memory.
 */
export function rawBytes(frame: RawImage, scratch?: { bytes: Uint8Array }): Uint8Array {
  if (frame.channels !== 3) {
    throw new ToolkitError(
      'FRAME_CHANNELS',
      `the image_encoder takes RGB frames; this frame has ${frame.channels} channels`,
      {
        remedy: 'Pass 3-channel RGB frames to a model with preprocessing baked in (drop alpha when decoding).',
      },
    );
  }
  const d = frame.data;
  if (d.buffer instanceof SharedArrayBuffer) {
    const holder = scratch ?? { bytes: new Uint8Array(0) };
    if (holder.bytes.length !== d.length) holder.bytes = new Uint8Array(d.length);
    holder.bytes.set(d);
    return holder.bytes;
  }
  return d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** mem_dim from the declared memory input or memory_encoder output (needed before the first memory exists). */
export function declaredMemDim(modules: ModuleRunners, io: ModuleIoNames): number {
  const memory = modules.memory_attention.inputs.find((i) => i.name === io.memory_attention.inputs.memory);
  const encoded = modules.memory_encoder.outputs.find((o) => o.name === io.memory_encoder.outputs.features);
  const dim = [memory?.shape.at(-1), encoded?.shape[1]].find((d) => typeof d === 'number' && d > 0);
  if (typeof dim !== 'number') {
    throw new ToolkitError(
      'PIPELINE_MEM_DIM',
      'cannot tell the memory width: no fixed channel dim on memory_attention or memory_encoder',
      {
        remedy: `Write ${TRACKER_PARAMS_FILE} next to the models so the tracker does not need seeded defaults.`,
      },
    );
  }
  return dim;
}

/** The first-frame box [x,y,w,h] in video pixels as two corners in the model's square input space. */
export function promptCorners(box: Box, frame: RawImage, side: number): number[] {
  const sx = side / frame.width;
  const sy = side / frame.height;
  return [box[0] * sx, box[1] * sy, (box[0] + box[2]) * sx, (box[1] + box[3]) * sy];
}
