import { ToolkitError } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../src/stacks/types.js';
import { resolveModuleIo } from '../src/tracker/module-io.js';
import type { ModuleRunner, ModuleRunners } from '../src/tracker/module-runner.js';

/** Only the declared I/O matters to name resolution: a runner double that declares tensors and runs nothing. */
function declared(inputs: TensorInfo[], outputs: TensorInfo[]): ModuleRunner {
  return {
    stack: 'double',
    capabilities: { inProcess: true, deviceOutputs: false, placement: false, selfTimed: false },
    inputs,
    outputs,
    infer: () => Promise.reject(new Error('not run')),
    toHost: (o) => Promise.resolve(o),
  };
}
const f = (name: string, shape: (number | string)[]): TensorInfo => ({ name, type: 'float32', shape });

function runners(overrides: Partial<ModuleRunners> = {}): ModuleRunners {
  return {
    image_encoder: declared(
      [f('image', [1, 3, 512, 512])],
      [f('vision_features', [1, 256, 32, 32]), f('vision_pos_enc', [1, 256, 32, 32])],
    ),
    memory_attention: declared(
      [
        f('curr', [1024, 1, 256]),
        f('curr_pos', [1024, 1, 256]),
        f('memory', ['n', 1, 64]),
        f('memory_pos', ['n', 1, 64]),
        { name: 'num_obj_ptr_tokens', type: 'int64', shape: [] },
      ],
      [f('pix_feat_with_mem', [1024, 1, 256])],
    ),
    mask_decoder: declared(
      [
        f('image_embed', [1, 256, 32, 32]),
        f('point_coords', [1, 'p', 2]),
        { name: 'point_labels', type: 'int32', shape: [1, 'p'] },
      ],
      [
        f('low_res_masks', [1, 3, 128, 128]),
        f('iou_predictions', [1, 3]),
        f('obj_ptr', [1, 256]),
        f('object_score_logits', [1, 1]),
      ],
    ),
    memory_encoder: declared(
      [f('pix_feat', [1, 256, 32, 32]), f('mask_for_mem', [1, 1, 512, 512])],
      [f('maskmem_features', [1, 64, 32, 32]), f('maskmem_pos_enc', [1, 64, 32, 32])],
    ),
    ...overrides,
  };
}

describe('model I/O resolution', () => {
  it('maps the reference export names to their roles', () => {
    const io = resolveModuleIo(runners());
    expect(io.memory_attention.inputs).toEqual({
      curr: 'curr',
      currPos: 'curr_pos',
      memory: 'memory',
      memoryPos: 'memory_pos',
      numObjPtrTokens: 'num_obj_ptr_tokens',
    });
    expect(io.mask_decoder.outputs).toEqual({
      masks: 'low_res_masks',
      iou: 'iou_predictions',
      objPtr: 'obj_ptr',
      objectScore: 'object_score_logits',
    });
    expect(io.memory_encoder.inputs).toEqual({ pixFeat: 'pix_feat', mask: 'mask_for_mem' });
    expect(io.image_encoder).toMatchObject({
      outputs: { features: 'vision_features', pos: 'vision_pos_enc' },
      rawFrames: false,
    });
  });

  it('matches by rank and shape when names give no hint, whatever the declaration order', () => {
    const io = resolveModuleIo(
      runners({
        mask_decoder: declared(
          [{ name: 'b', type: 'int32', shape: [1, 'p'] }, f('a', [1, 'p', 2]), f('c', [1, 256, 32, 32])],
          [f('o1', [1, 1]), f('o2', [1, 3, 128, 128]), f('o3', [1, 3]), f('o4', [1, 256])],
        ),
        memory_encoder: declared(
          [f('x', [1, 1, 512, 512]), f('y', [1, 256, 32, 32])],
          [f('p', [1, 64, 32, 32]), f('q', [1, 64, 32, 32])],
        ),
      }),
    );
    expect(io.mask_decoder.inputs).toEqual({ imageEmbed: 'c', pointCoords: 'a', pointLabels: 'b' });
    expect(io.mask_decoder.outputs).toMatchObject({ masks: 'o2', objectScore: 'o1' });
    expect(io.memory_encoder.inputs).toEqual({ mask: 'x', pixFeat: 'y' });
  });

  it('recognises an image encoder that takes raw uint8 frames (preprocessing baked in)', () => {
    const io = resolveModuleIo(
      runners({
        image_encoder: declared(
          [{ name: 'frame', type: 'uint8', shape: ['h', 'w', 3] }],
          [f('vision_features', [1, 256, 32, 32]), f('vision_pos_enc', [1, 256, 32, 32])],
        ),
      }),
    );
    expect(io.image_encoder).toMatchObject({ inputs: { image: 'frame' }, rawFrames: true });
  });

  it('BAD CALL - names the module, the missing role and the declared tensors when a model does not fit', () => {
    const wrong = runners({ memory_encoder: declared([f('pix_feat', [1, 256, 32, 32])], [f('out', [1, 64, 32, 32])]) });
    let error: unknown;
    try {
      resolveModuleIo(wrong);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe('PIPELINE_MODEL_IO');
    expect((error as ToolkitError).message).toMatch(/memory_encoder: no (input|output) fits the role/);
    expect((error as ToolkitError).message).toMatch(/pix_feat float32\[1,256,32,32\]|out float32/);
  });
});
