/**
 * Acceptance checks shared by the hand-built and zoo bake tests: run the original and the baked model on the
 * same inputs and compare the baked outputs with the original followed by the TypeScript reference operation.
 * Tolerance 1e-5, absolute for values below 1 and relative above (float32 has 2^-23 relative resolution, so logits
 * of magnitude 100 differ by 1.5e-5 between two correct bilinear implementations); boxes are compared exactly.
 */

import { expect } from 'vitest';
import {
  bakeMaskBox,
  bakeMaskResize,
  bakeMemoryLayout,
  bakePreprocess,
  DataType,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type ModelProto,
} from '../../src/index.js';
import { type Feed, graphOf, maxScaledDiff, runModel, seededValues } from './ort-feeds.js';
import {
  batchFirstToSequenceFirst,
  boxesFromLogits,
  frameToChw,
  normalizeChw,
  normalizeFrame,
  resizeBilinear,
} from './reference.js';

/** Inputs for every graph input, symbolic dims taken from `dims` (default 1). */
export function feedsFor(model: ModelProto, dims: Record<string, number> = {}, seed = 7): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  graphOf(model).input.forEach((v, k) => {
    const t = v.type?.tensorType ?? {};
    const shape = (t.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined ? Number(d.dimValue) : (dims[d.dimParam ?? ''] ?? 1),
    );
    const count = shape.reduce((a, b) => a * b, 1);
    const name = v.name!;
    if (t.elemType === DataType.FLOAT)
      feeds[name] = { type: 'float32', dims: shape, data: seededValues(count, seed + k) };
    else if (t.elemType === DataType.INT32)
      feeds[name] = { type: 'int32', dims: shape, data: new Int32Array(count).fill(1) };
    else if (t.elemType === DataType.INT64)
      feeds[name] = { type: 'int64', dims: shape, data: new Array(count).fill(dims[name] ?? 0) };
    else throw new Error(`feedsFor: input ${name} has type ${t.elemType}`);
  });
  return feeds;
}

export async function checkMaskResize(model: ModelProto, feeds: Record<string, Feed>, size?: [number, number]) {
  const { model: baked, report } = bakeMaskResize(model, size ? { size } : {});
  const original = (await runModel(model, feeds))[report.input]!;
  const out = await runModel(baked, feeds);
  expect(out[report.input]!.data).toEqual(original.data);
  const expected = resizeBilinear(original.data, original.dims, report.size);
  expect(out[report.output]!.dims).toEqual([...original.dims.slice(0, 2), ...report.size]);
  expect(maxScaledDiff(out[report.output]!.data, expected)).toBeLessThanOrEqual(1e-5);
  return report;
}

export async function checkMaskBox(model: ModelProto, feeds: Record<string, Feed>, frameSize?: [number, number]) {
  const { model: baked, report } = bakeMaskBox(model, frameSize ? { frameSize } : {});
  const original = (await runModel(model, feeds))[report.input]!;
  const boxes = (await runModel(baked, feeds))[report.output]!;
  expect(boxes.dims).toEqual([...original.dims.slice(0, 2), 4]);
  expect(boxes.data).toEqual(boxesFromLogits(original.data, original.dims, report.frameSize));
  return { report, boxes: boxes.data };
}

export async function checkMemoryLayout(model: ModelProto, feeds: Record<string, Feed>) {
  const { model: baked, report } = bakeMemoryLayout(model);
  const batchFirst = { ...feeds };
  for (const { name } of report.inputs) {
    const f = feeds[name]!;
    const [t, b, c] = f.dims as [number, number, number];
    // Build the (B,T,C) feed whose sequence-first transpose is the original feed.
    const btc = new Float32Array(t * b * c);
    for (let i = 0; i < b; i++)
      for (let j = 0; j < t; j++) for (let k = 0; k < c; k++) btc[(i * t + j) * c + k] = f.data[(j * b + i) * c + k]!;
    expect(batchFirstToSequenceFirst(btc, [b, t, c])).toEqual(Float32Array.from(f.data));
    batchFirst[name] = { type: 'float32', dims: [b, t, c], data: btc };
  }
  const expected = await runModel(model, feeds);
  const out = await runModel(baked, batchFirst);
  for (const [name, value] of Object.entries(expected))
    expect(maxScaledDiff(out[name]!.data, value.data)).toBeLessThanOrEqual(1e-5);
  return report;
}

export async function checkPreprocess(model: ModelProto, feeds: Record<string, Feed>, frameSize?: [number, number]) {
  const { model: baked, report } = bakePreprocess(model, { resize: frameSize !== undefined });
  const [h, w] = report.size;
  const [fh, fw] = frameSize ?? [h, w];
  const frame = Uint8Array.from(seededValues(fh * fw * 3, 99, 0, 256), Math.floor);
  const normalized = frameSize
    ? normalizeChw(
        resizeBilinear(frameToChw(frame, [fh, fw]), [1, 3, fh, fw], [h, w]),
        h * w,
        IMAGENET_MEAN,
        IMAGENET_STD,
      )
    : normalizeFrame(frame, [h, w], IMAGENET_MEAN, IMAGENET_STD);
  const expected = await runModel(model, {
    ...feeds,
    [report.input]: { type: 'float32', dims: [1, 3, h, w], data: normalized },
  });
  const out = await runModel(baked, { ...feeds, [report.input]: { type: 'uint8', dims: [fh, fw, 3], data: frame } });
  for (const [name, value] of Object.entries(expected))
    expect(maxScaledDiff(out[name]!.data, value.data)).toBeLessThanOrEqual(1e-5);
  return report;
}
