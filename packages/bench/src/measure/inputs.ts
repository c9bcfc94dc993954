import { SeededRandom, ToolkitError } from '@tamkit/common';
import { float32ToFloat16Bits, isPointerCountInput, type TrackerModule } from '@tamkit/graph-surgery';
import { loadOrt } from '../stacks/ort/load-ort.js';
import type { Feeds, TensorInfo } from '../stacks/types.js';
import type { ResolvedShapes } from './shapes.js';

/** ImageNet normalisation the tracker's preprocessing uses. */
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const IMAGE_SIZE = 512;

type Role = 'image' | 'mask' | 'points' | 'labels' | 'pointer-count' | 'features';

/** What an input holds, from its module and shape (never its name), so that values can be realistic. */
function roleOf(input: TensorInfo, shape: readonly number[], module: TrackerModule | undefined): Role {
  const isInt = input.type === 'int32' || input.type === 'int64';
  if (isPointerCountInput(module, input)) return 'pointer-count';
  if (isInt && shape.length === 2) return 'labels';
  if (shape.length === 4 && shape[1] === 3) return 'image';
  if (shape.length === 4 && shape[1] === 1 && (shape[2] ?? 0) >= 64) return 'mask';
  if (shape.length === 3 && shape[2] === 2) return 'points';
  return 'features';
}

/** Values of one input as float64 numbers (integers for int roles). */
function fillValues(
  role: Role,
  shape: readonly number[],
  count: number,
  rng: SeededRandom,
  pointerTokens: number,
): number[] {
  const values = new Array<number>(count);
  switch (role) {
    case 'image': {
      // A normalised RGB frame: per channel (u - mean) / std with u uniform in [0, 1].
      const plane = count / 3;
      for (let i = 0; i < count; i += 1) {
        const c = Math.floor(i / plane) % 3;
        values[i] = (rng.next() - MEAN[c]!) / STD[c]!;
      }
      return values;
    }
    case 'mask': {
      // sigmoid(logits) * 20 - 10 of a tracked object: +10 inside a centred ellipse, -10 outside.
      const h = shape[2]!;
      const w = shape[3]!;
      for (let i = 0; i < count; i += 1) {
        const y = Math.floor(i / w) % h;
        const x = i % w;
        const inside = ((x - w / 2) / (w / 4)) ** 2 + ((y - h / 2) / (h / 5)) ** 2 <= 1;
        values[i] = inside ? 10 : -10;
      }
      return values;
    }
    case 'points': {
      // Point coordinates in 512-pixel space; pairs of points form a box (top-left, bottom-right).
      for (let i = 0; i < count; i += 4) {
        const x0 = rng.uniform(0, IMAGE_SIZE / 2);
        const y0 = rng.uniform(0, IMAGE_SIZE / 2);
        const box = [x0, y0, x0 + rng.uniform(16, IMAGE_SIZE / 2), y0 + rng.uniform(16, IMAGE_SIZE / 2)];
        for (let j = 0; j < 4 && i + j < count; j += 1) values[i + j] = box[j]!;
      }
      return values;
    }
    case 'labels': {
      // Box corners are labels 2 and 3; any other point count gets positive clicks (1).
      const points = shape[1]!;
      for (let i = 0; i < count; i += 1) values[i] = points === 2 ? 2 + (i % 2) : 1;
      return values;
    }
    case 'pointer-count':
      values.fill(pointerTokens);
      return values;
    case 'features':
      for (let i = 0; i < count; i += 1) values[i] = rng.normal();
      return values;
  }
}

/**
 * Generates one feed per input from its declared type and resolved shape with a seeded RNG: the same seed and
 * model give the same bytes everywhere. Values follow each input's role (normalised image, +-10 mask, box
 * prompt, feature maps ~ N(0, 1), pointer-token count).
 */
export async function generateFeeds(
  inputs: readonly TensorInfo[],
  resolved: ResolvedShapes,
  seed: number,
): Promise<Feeds> {
  const ort = await loadOrt();
  const rng = new SeededRandom(seed);
  const feeds: Feeds = {};
  for (const input of inputs) {
    const shape = resolved.shapes[input.name];
    if (shape === undefined) throw new RangeError(`resolved.shapes has no shape for input "${input.name}"`);
    const count = shape.reduce((a, b) => a * b, 1);
    const values = fillValues(roleOf(input, shape, resolved.module), shape, count, rng, resolved.pointerTokens ?? 0);
    feeds[input.name] = new ort.Tensor(input.type, typedData(input, values), shape);
  }
  return feeds;
}

function typedData(input: TensorInfo, values: number[]) {
  switch (input.type) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'float16':
      return Uint16Array.from(values, float32ToFloat16Bits);
    case 'int32':
      return Int32Array.from(values, Math.round);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.round(v)));
    case 'int8':
      return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v * 32))));
    case 'uint8':
      return Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(128 + v * 32))));
    case 'bool':
      return Uint8Array.from(values, (v) => (v > 0 ? 1 : 0));
    default:
      throw new ToolkitError(
        'BENCH_INPUT_TYPE',
        `input "${input.name}" has type ${input.type}, which bench cannot generate`,
        {
          remedy: 'Benchmark a model whose inputs are float, integer or bool tensors.',
        },
      );
  }
}
