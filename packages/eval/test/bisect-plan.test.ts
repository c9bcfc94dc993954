import { applyPrecisionPlan, buildZoo, encodeModel, validatePlan } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { planFromBisection } from '../src/bisect/plan.js';
import { createVariantBuilder } from '../src/bisect/variants.js';

describe('planFromBisection', () => {
  it('pins the found nodes on an FP16 plan', () => {
    const plan = planFromBisection({
      module: 'image_encoder',
      outcome: 'fp16',
      fp32Nodes: ['/a/Pow', '/a/Softmax'],
      detail: 'd',
    });
    expect(plan).toMatchObject({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { nodes: ['/a/Pow', '/a/Softmax'] },
    });
    expect(plan.note).toContain('image_encoder');
  });

  it('keeps a module that cannot meet the tolerance in FP32, with no pins (engine-builder refuses pins on FP32)', () => {
    const plan = planFromBisection({ module: 'mask_decoder', outcome: 'fp32', fp32Nodes: ['/x'], detail: 'd' });
    expect(plan.defaultPrecision).toBe('fp32');
    expect(plan.pinFp32).toBeUndefined();
    expect(validatePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('writes no pinFp32 for a module that meets the tolerance in FP16', () => {
    const plan = planFromBisection({ module: 'memory_encoder', outcome: 'fp16', fp32Nodes: [], detail: 'd' });
    expect(plan.pinFp32).toBeUndefined();
  });

  it('records what the native candidate needed (blocked ops, FP32 I/O), so the plan applied to the file is that candidate', () => {
    const model = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 0, modules: ['image_encoder'] }).modules
      .image_encoder!;
    const fp32Nodes = ['/image_encoder/trunk/blocks.0/attn/Softmax'];
    const candidate = createVariantBuilder(model, { mode: 'native', blockOps: ['Resize'] })(fp32Nodes);
    const plan = planFromBisection({
      module: 'image_encoder',
      outcome: 'fp16',
      fp32Nodes,
      blockOps: ['Resize'],
      detail: 'on ort-webgpu (native)',
    });
    expect(plan).toMatchObject({ blockOps: ['Resize'], keepIoTypes: true });
    const applied = applyPrecisionPlan(model, validatePlan(JSON.parse(JSON.stringify(plan)))).model;
    expect(Buffer.from(encodeModel(applied)).equals(Buffer.from(encodeModel(candidate)))).toBe(true);
  });
});
