import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBuild, loadPlan, type PrecisionPlan, planForPrecision } from '../src/index.js';
import { writeZooModels } from './helpers/models.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'build-commands.json');
const MIXED_PLAN = join(import.meta.dirname, 'fixtures', 'plans', 'efficienttam-mixed.json');
// No trtexec is consulted: the TensorRT version comes from trtVersion, as with --trt-version on a machine without it.
const NO_TRTEXEC = '/nonexistent/trtexec-for-golden-tests';

describe('golden trtexec command lines and graph edits for the EfficientTAM-Ti zoo modules', () => {
  let models: Record<string, string>;
  let mixed: PrecisionPlan;
  beforeAll(async () => {
    models = await writeZooModels('full');
    mixed = await loadPlan(MIXED_PLAN);
  });

  it('match the committed goldens for fp32, fp16, bf16 and mixed on TensorRT 10 and 11', async () => {
    const actual: Record<string, unknown> = {};
    for (const [module, path] of Object.entries(models)) {
      for (const precision of ['fp32', 'fp16', 'bf16', 'mixed'] as const) {
        for (const trtVersion of [10, 11] as const) {
          const plan = precision === 'mixed' ? mixed : planForPrecision(precision);
          const label = `${module} ${precision} trt${trtVersion}`;
          try {
            const d = await describeBuild(path, { plan, trtVersion, trtexec: NO_TRTEXEC });
            actual[label] = {
              command: d.command.replaceAll(path, '<model>'),
              graphEdits: d.graphEdits,
              unmatched: d.unmatched,
            };
          } catch (error) {
            actual[label] = { refused: (error as { code?: string }).code };
          }
        }
      }
    }
    if (process.env.UPDATE_GOLDEN) await writeFile(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    const golden = JSON.parse(await readFile(GOLDEN, 'utf8'));
    expect(actual).toEqual(golden);
  });

  it('pins every attention score MatMul, Softmax and normalisation of the image encoder in the mixed TensorRT 10 command', async () => {
    const d = await describeBuild(models.image_encoder!, { plan: mixed, trtVersion: 10, trtexec: NO_TRTEXEC });
    const precisions = d.args.find((a) => a.startsWith('--layerPrecisions='))!;
    for (let block = 0; block < 12; block++) {
      expect(precisions).toContain(`/image_encoder/trunk/blocks.${block}/attn/MatMul:fp32`);
      expect(precisions).toContain(`/image_encoder/trunk/blocks.${block}/attn/Softmax:fp32`);
      expect(precisions).toContain(`/image_encoder/trunk/blocks.${block}/norm1/LayerNormalization:fp32`);
      // The projections and the attention-times-value MatMul stay in FP16.
      expect(precisions).not.toContain(`blocks.${block}/attn/MatMul_1:`);
      expect(precisions).not.toContain(`blocks.${block}/attn/qkv/MatMul:`);
    }
    expect(precisions).not.toContain('blocks.12/');
    expect(d.args).toContain('--precisionConstraints=obey');
    expect(d.args).toContain('--fp16');
  });

  it('expresses the same mixed plan on TensorRT 11 as FP16 conversion plus the same FP32 islands, with no precision flags', async () => {
    const ten = await describeBuild(models.memory_attention!, { plan: mixed, trtVersion: 10, trtexec: NO_TRTEXEC });
    const eleven = await describeBuild(models.memory_attention!, { plan: mixed, trtVersion: 11, trtexec: NO_TRTEXEC });
    expect(eleven.graphEdits).toEqual([
      { pass: 'convertToFloat16', options: { keepIoTypes: true } },
      { pass: 'insertFp32Islands', options: { nodes: ten.fp32Nodes } },
    ]);
    expect(
      eleven.args.some((a) => /^--(fp16|bf16|precisionConstraints|layerPrecisions|layerOutputTypes)/.test(a)),
    ).toBe(false);
    expect(eleven.args[0]).toBe('--onnx=model.typed.onnx');
  });

  it("--precision mixed (no plan file) pins graph-surgery's mixed preset: memory cross-attention values MatMuls included, with reasons", async () => {
    const d = await describeBuild(models.memory_attention!, {
      plan: planForPrecision('mixed'),
      trtVersion: 10,
      trtexec: NO_TRTEXEC,
    });
    for (let layer = 0; layer < 4; layer++) {
      const values = `/memory_attention/layers.${layer}/cross_attn_image/MatMul_1`;
      expect(d.fp32Nodes).toContain(values);
      expect(d.reasons[values]).toEqual([
        'auto:mixed (attention-times-values MatMul: sums over keys that grow with num_mem_tokens (unbound))',
      ]);
      // Self-attention sums over the 1024 tokens of the frame: its values MatMul stays FP16.
      expect(d.fp32Nodes).not.toContain(`/memory_attention/layers.${layer}/self_attn/MatMul_1`);
      expect(d.fp32Nodes).toContain(`/memory_attention/layers.${layer}/self_attn/Softmax`);
      expect(d.fp32Nodes).toContain(`/memory_attention/layers.${layer}/norm1/LayerNormalization`);
    }
    expect(d.unmatched).toEqual([]);
  });
});
