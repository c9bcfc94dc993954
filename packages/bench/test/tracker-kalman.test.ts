import { describe, expect, it } from 'vitest';
import type { Outputs } from '../src/stacks/types.js';
import { boxIou, KalmanBoxFilter, type Xyxy, xyahToXyxy, xyxyToXyah } from '../src/tracker/kalman.js';
import { ResizedMaskBox } from '../src/tracker/mask-box.js';
import { MotionSelector, type MotionSelectorOptions } from '../src/tracker/motion-selector.js';
import { allocateBuffers, chooseMask } from '../src/tracker/tracker-buffers.js';

const moving = (t: number): Xyxy => [100 + 5 * t, 50 + 2 * t, 140 + 5 * t, 110 + 2 * t];

describe('KalmanBoxFilter', () => {
  it('converts between corners and (cx, cy, aspect, height)', () => {
    expect(xyxyToXyah([10, 20, 50, 100])).toEqual([30, 60, 0.5, 80]);
    expect(xyahToXyxy([30, 60, 0.5, 80])).toEqual([10, 20, 50, 100]);
  });

  it('learns a constant velocity and predicts the next box from it', () => {
    const kf = new KalmanBoxFilter();
    kf.initiate(moving(0));
    for (let t = 1; t <= 20; t += 1) {
      kf.predict();
      kf.update(moving(t));
    }
    kf.predict();
    const predicted = kf.box();
    const truth = moving(21);
    for (let i = 0; i < 4; i += 1) expect(Math.abs(predicted[i]! - truth[i]!)).toBeLessThan(0.5);
    expect(Math.abs(kf.mean[4]! - 5)).toBeLessThan(0.2);
    expect(Math.abs(kf.mean[5]! - 2)).toBeLessThan(0.2);
  });

  it('matches the textbook matrix equations (F P F^T + Q, K = P H^T S^-1) step by step', () => {
    const kf = new KalmanBoxFilter();
    const ref = new ReferenceKalman();
    kf.initiate(moving(0));
    ref.initiate(moving(0));
    const jitter = [0, 3, -2, 4, 1, -3, 2, 0];
    for (let t = 1; t < 8; t += 1) {
      kf.predict();
      ref.predict();
      const z = moving(t).map((v, i) => v + (i % 2 === 0 ? jitter[t]! : -jitter[t]!)) as Xyxy;
      kf.update(z);
      ref.update(z);
    }
    for (let i = 0; i < 8; i += 1) expect(kf.mean[i]).toBeCloseTo(ref.mean[i]!, 8);
    for (let i = 0; i < 64; i += 1) expect(kf.covariance[i]).toBeCloseTo(ref.cov[i]!, 6);
  });

  it('keeps a fresh track in place and widens its uncertainty when predicting', () => {
    const kf = new KalmanBoxFilter();
    kf.initiate(moving(0));
    const before = kf.covariance[0]!;
    kf.predict();
    expect(kf.box()).toEqual(moving(0));
    expect(kf.covariance[0]!).toBeGreaterThan(before);
  });

  it('computes area IoU of corner boxes', () => {
    expect(boxIou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(boxIou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });
});

describe('MotionSelector', () => {
  /** A selector that has tracked `moving` for `frames` frames. */
  function warmed(frames: number, options: MotionSelectorOptions = {}): MotionSelector {
    const s = new MotionSelector(options);
    for (let t = 0; t < frames; t += 1) s.select([moving(t)], [0.9]);
    return s;
  }

  it('initiates on the best predicted IoU, then warms up on it while the gate passes', () => {
    const s = new MotionSelector();
    expect(s.select([moving(0), [0, 0, 5, 5]], [0.4, 0.8])).toMatchObject({ index: 1, phase: 'initiate' });
    const t = new MotionSelector();
    t.select([moving(0)], [0.9]);
    const choice = t.select([[400, 400, 420, 420], moving(1)], [0.5, 0.7]);
    expect(choice).toMatchObject({ index: 1, phase: 'warm-up', updated: true });
    expect(t.stableFrames).toBe(2);
  });

  it('resets when the chosen mask falls below the IoU gate, and re-initiates next frame', () => {
    const s = warmed(5);
    const choice = s.select([moving(5)], [0.2]); // SAMURAI's source gates on the predicted IoU
    expect(choice.updated).toBe(false);
    expect(s.stableFrames).toBe(0);
    expect(s.select([moving(6)], [0.95]).phase).toBe('initiate');
    // Gating on the box IoU instead (our reference notes' reading): a jump away from the prediction resets.
    const byBox = warmed(5, { gateOn: 'box-iou' });
    const far: Xyxy = [600, 600, 640, 660];
    expect(byBox.select([far], [0.95]).updated).toBe(false);
    expect(byBox.stableFrames).toBe(0);
  });

  it('passes a score equal to the gate once stable but not while warming up (SAMURAI: > to update, < to reset)', () => {
    const warming = warmed(5);
    expect(warming.select([moving(5)], [0.3]).updated).toBe(false);
    const stable = warmed(15);
    expect(stable.select([moving(15)], [0.3])).toMatchObject({ phase: 'weighted', updated: true });
  });

  it('weights Kalman IoU 0.25 and predicted IoU 0.75 once 15 frames were stable', () => {
    const s = warmed(15);
    expect(s.stableFrames).toBe(15);
    const far: Xyxy = [600, 600, 640, 660];
    // near: 0.25 * ~1 + 0.75 * 0.8 = ~0.85 beats far: 0.75 * 0.99 = 0.7425.
    const choice = s.select([far, moving(15)], [0.99, 0.8]);
    expect(choice).toMatchObject({ index: 1, phase: 'weighted', updated: true });
    // near: 0.25 * ~1 + 0.75 * 0.6 = ~0.70 loses to far: 0.7425.
    const next = s.select([far, moving(16)], [0.99, 0.6]);
    expect(next.index).toBe(0);
  });

  it("reports the chosen box's Kalman IoU as its Kalman score in the weighted phase only (SAMURAI's kf_score)", () => {
    const s = warmed(14);
    const warmUp = s.select([moving(14)], [0.9]);
    expect(warmUp.phase).toBe('warm-up');
    expect(warmUp.kalmanScore).toBeUndefined();
    const far: Xyxy = [600, 600, 640, 660];
    const choice = s.select([far, moving(15)], [0.99, 0.8]);
    expect(choice.phase).toBe('weighted');
    expect(choice.kalmanScore).toBeCloseTo(boxIou(choice.predicted!, moving(15)), 12);
    expect(choice.kalmanScore).toBeGreaterThan(0.5);
  });

  it('picks the best predicted IoU during warm-up even when another box fits the motion', () => {
    const s = warmed(5);
    const choice = s.select([moving(5), [600, 600, 640, 660]], [0.5, 0.9]);
    expect(choice).toMatchObject({ index: 1, phase: 'warm-up', updated: true }); // 0.9 passes the IoU gate
    const byBox = warmed(5, { gateOn: 'box-iou' });
    expect(byBox.select([moving(5), [600, 600, 640, 660]], [0.5, 0.9])).toMatchObject({ index: 1, updated: false });
  });

  it("gates on the decoder's predicted IoU by default, on the box IoU when asked", () => {
    const s = new MotionSelector();
    s.select([moving(0)], [0.9]);
    expect(s.select([[600, 600, 640, 660]], [0.8]).updated).toBe(true);
    expect(s.select([moving(2)], [0.2]).updated).toBe(false);
    const byBox = new MotionSelector({ gateOn: 'box-iou' });
    byBox.select([moving(0)], [0.9]);
    expect(byBox.select([[600, 600, 640, 660]], [0.8]).updated).toBe(false);
  });
});

/** Dense-matrix Kalman filter written from the equations, as an independent reference (std weights 1/20, 1/160). */
class ReferenceKalman {
  mean: number[] = [];
  cov: number[] = [];
  readonly F = eye(8).map((v, i) => (Math.floor(i / 8) < 4 && i % 8 === Math.floor(i / 8) + 4 ? 1 : v));
  readonly H = Array.from({ length: 32 }, (_, i) => (i % 8 === Math.floor(i / 8) ? 1 : 0));
  initiate(box: Xyxy): void {
    const m = xyxyToXyah(box);
    const h = m[3];
    this.mean = [...m, 0, 0, 0, 0];
    const std = [h / 10, h / 10, 1e-2, h / 10, h / 16, h / 16, 1e-5, h / 16];
    this.cov = diag(std.map((s) => s * s));
  }
  predict(): void {
    const h = this.mean[3]!;
    const q = diag([h / 20, h / 20, 1e-2, h / 20, h / 160, h / 160, 1e-5, h / 160].map((s) => s * s));
    this.mean = mul(this.F, this.mean, 8, 8, 1);
    this.cov = add(mul(mul(this.F, this.cov, 8, 8, 8), transpose(this.F, 8, 8), 8, 8, 8), q);
  }
  update(box: Xyxy): void {
    const h = this.mean[3]!;
    const r = diag([h / 20, h / 20, 1e-1, h / 20].map((s) => s * s));
    const ht = transpose(this.H, 4, 8);
    const s = add(mul(mul(this.H, this.cov, 4, 8, 8), ht, 4, 8, 4), r);
    const k = mul(mul(this.cov, ht, 8, 8, 4), invert4(s), 8, 4, 4);
    const z = xyxyToXyah(box);
    const hx = mul(this.H, this.mean, 4, 8, 1);
    const innovation = z.map((v, i) => v - hx[i]!);
    this.mean = add(this.mean, mul(k, innovation, 8, 4, 1));
    const ks = mul(k, s, 8, 4, 4);
    this.cov = add(
      this.cov,
      mul(ks, transpose(k, 8, 4), 8, 4, 8).map((v) => -v),
    );
  }
}

function eye(n: number): number[] {
  return Array.from({ length: n * n }, (_, i) => (i % n === Math.floor(i / n) ? 1 : 0));
}
function diag(values: number[]): number[] {
  const n = values.length;
  return Array.from({ length: n * n }, (_, i) => (i % n === Math.floor(i / n) ? values[i % n]! : 0));
}
function mul(a: number[], b: number[], n: number, k: number, m: number): number[] {
  const out = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < m; j += 1) for (let t = 0; t < k; t += 1) out[i * m + j]! += a[i * k + t]! * b[t * m + j]!;
  return out;
}
function transpose(a: number[], n: number, m: number): number[] {
  return Array.from({ length: n * m }, (_, i) => a[(i % n) * m + Math.floor(i / n)]!);
}
function add(a: number[], b: number[]): number[] {
  return a.map((v, i) => v + b[i]!);
}
/** Gauss-Jordan inverse of a 4x4 matrix. */
function invert4(a: number[]): number[] {
  const m = a.slice();
  const inv = eye(4);
  for (let c = 0; c < 4; c += 1) {
    let p = c;
    for (let r = c + 1; r < 4; r += 1) if (Math.abs(m[r * 4 + c]!) > Math.abs(m[p * 4 + c]!)) p = r;
    for (let j = 0; j < 4; j += 1) {
      [m[c * 4 + j], m[p * 4 + j]] = [m[p * 4 + j]!, m[c * 4 + j]!];
      [inv[c * 4 + j], inv[p * 4 + j]] = [inv[p * 4 + j]!, inv[c * 4 + j]!];
    }
    const d = m[c * 4 + c]!;
    for (let j = 0; j < 4; j += 1) {
      m[c * 4 + j]! /= d;
      inv[c * 4 + j]! /= d;
    }
    for (let r = 0; r < 4; r += 1) {
      if (r === c) continue;
      const f = m[r * 4 + c]!;
      for (let j = 0; j < 4; j += 1) {
        m[r * 4 + j]! -= f * m[c * 4 + j]!;
        inv[r * 4 + j]! -= f * inv[c * 4 + j]!;
      }
    }
  }
  return inv;
}

describe("SAMURAI's mask choice in the tracking loop", () => {
  /** Decoder outputs with three 128x128 candidates; candidate 1 holds a blob and has the best predicted IoU. */
  function decoded(objectScore: number): Outputs {
    const plane = 128 * 128;
    const logits = new Float32Array(3 * plane).fill(-4);
    for (let y = 40; y < 70; y += 1) for (let x = 20; x < 61; x += 1) logits[plane + y * 128 + x] = 3;
    const t = (data: Float32Array, dims: number[]) => ({ data, dims, type: 'float32', location: 'cpu' });
    return {
      masks: t(logits, [1, 3, 128, 128]),
      iou: t(Float32Array.of(0.2, 0.9, 0.4), [1, 3]),
      score: t(Float32Array.of(objectScore), [1, 1]),
    } as unknown as Outputs;
  }
  const names = { masks: 'masks', iou: 'iou', objectScore: 'score', highRes: undefined };
  const choose = (objectScore: number, selector: MotionSelector | undefined, minObjectScore: number) => {
    const b = allocateBuffers([1, 8, 32, 32]);
    const chosen = chooseMask(decoded(objectScore), names, b, {
      side: 512,
      selector,
      conditioning: true,
      minObjectScore,
    });
    return { chosen, b };
  };

  it('starts the Kalman track from the exact box of the best mask upsampled to 512 pixels (inclusive corners)', () => {
    const selector = new MotionSelector();
    const { chosen } = choose(5, selector, -1);
    expect(chosen.maskIndex).toBe(1);
    const d = decoded(5);
    const [x, y, w, h] = new ResizedMaskBox(128, 128, 512, 512).box(
      (d.masks!.data as Float32Array).subarray(128 * 128, 2 * 128 * 128),
    );
    const started = selector.filter.box();
    for (const [i, v] of [x, y, x + w, y + h].entries()) expect(started[i]).toBeCloseTo(v, 9);
    expect(w).toBeGreaterThan(4 * 40); // not the low-res box times 4: the bilinear fringe counts
  });

  it("counts the object present above SAMURAI's -1 with kalman and above SAM 2's 0 without", () => {
    expect(choose(-0.5, new MotionSelector(), -1).b.maskLogits.some((v) => v > 0)).toBe(true);
    expect(choose(-0.5, undefined, 0).b.maskLogits.every((v) => v === -1024)).toBe(true);
  });

  it("blanks an absent object's candidates before SAMURAI's choice, so the track starts from an empty box", () => {
    const selector = new MotionSelector();
    const { b } = choose(-2, selector, -1);
    expect(b.maskLogits.every((v) => v === -1024)).toBe(true);
    expect(selector.filter.box()).toEqual([0, 0, 0, 0]);
  });
});
