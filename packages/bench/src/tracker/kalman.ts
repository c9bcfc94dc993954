/**
 * The constant-velocity Kalman filter SAMURAI uses (ByteTrack's): state (cx, cy, aspect, height) and their
 * velocities, noise proportional to the box height. Boxes enter and leave as [x1, y1, x2, y2].
 */

/** [x1, y1, x2, y2] */
export type Xyxy = [number, number, number, number];

/** Noise weights. Defaults are SAMURAI's: position 1/20, velocity 1/160. */
export interface KalmanOptions {
  stdWeightPosition?: number;
  stdWeightVelocity?: number;
}

const N = 8;

export function xyxyToXyah(box: Xyxy): [number, number, number, number] {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  return [box[0] + w / 2, box[1] + h / 2, h > 0 ? w / h : 0, h];
}

export function xyahToXyxy(m: ArrayLike<number>): Xyxy {
  const h = m[3]!;
  const w = m[2]! * h;
  return [m[0]! - w / 2, m[1]! - h / 2, m[0]! + w / 2, m[1]! + h / 2];
}

/** Area IoU of two [x1,y1,x2,y2] boxes (0 when both are empty). */
export function boxIou(a: Xyxy, b: Xyxy): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** A Kalman filter over one box. `mean` is (cx, cy, a, h, vcx, vcy, va, vh); `covariance` is 8x8 row-major. */
export class KalmanBoxFilter {
  readonly mean = new Float64Array(N);
  readonly covariance = new Float64Array(N * N);
  readonly #wp: number;
  readonly #wv: number;

  constructor(options: KalmanOptions = {}) {
    this.#wp = options.stdWeightPosition ?? 1 / 20;
    this.#wv = options.stdWeightVelocity ?? 1 / 160;
  }

  /** Starts a track at a measured box with zero velocity. */
  initiate(box: Xyxy): void {
    const m = xyxyToXyah(box);
    this.mean.fill(0);
    this.mean.set(m);
    const h = m[3];
    const std = [
      2 * this.#wp * h,
      2 * this.#wp * h,
      1e-2,
      2 * this.#wp * h,
      10 * this.#wv * h,
      10 * this.#wv * h,
      1e-5,
      10 * this.#wv * h,
    ];
    this.covariance.fill(0);
    for (let i = 0; i < N; i += 1) this.covariance[i * N + i] = std[i]! ** 2;
  }

  /** One step of the constant-velocity model: x += v; P = F P F^T + Q. */
  predict(): void {
    const h = this.mean[3]!;
    const q = [this.#wp * h, this.#wp * h, 1e-2, this.#wp * h, this.#wv * h, this.#wv * h, 1e-5, this.#wv * h];
    for (let i = 0; i < 4; i += 1) this.mean[i] = this.mean[i]! + this.mean[i + 4]!;
    const p = this.covariance;
    // F P F^T with F = [[I, I], [0, I]]: add velocity rows to position rows, then the same for columns.
    for (let i = 0; i < 4; i += 1) for (let j = 0; j < N; j += 1) p[i * N + j] = p[i * N + j]! + p[(i + 4) * N + j]!;
    for (let i = 0; i < N; i += 1) for (let j = 0; j < 4; j += 1) p[i * N + j] = p[i * N + j]! + p[i * N + j + 4]!;
    for (let i = 0; i < N; i += 1) p[i * N + i] = p[i * N + i]! + q[i]! ** 2;
  }

  /** The predicted box, [x1, y1, x2, y2]. */
  box(): Xyxy {
    return xyahToXyxy(this.mean);
  }

  /** Corrects the state with a measured box (Kalman gain through a 4x4 Cholesky solve). */
  update(box: Xyxy): void {
    const z = xyxyToXyah(box);
    const h = this.mean[3]!;
    const r = [this.#wp * h, this.#wp * h, 1e-1, this.#wp * h];
    const p = this.covariance;
    // S = H P H^T + R (top-left 4x4 of P plus R); PHt = P H^T (first 4 columns of P).
    const s = new Float64Array(16);
    for (let i = 0; i < 4; i += 1) for (let j = 0; j < 4; j += 1) s[i * 4 + j] = p[i * N + j]!;
    for (let i = 0; i < 4; i += 1) s[i * 4 + i] = s[i * 4 + i]! + r[i]! ** 2;
    const chol = cholesky4(s);
    // K = P H^T S^-1, row by row: solve S k_i = (P H^T)_i (S is symmetric).
    const k = new Float64Array(N * 4);
    for (let i = 0; i < N; i += 1) {
      const row = solveCholesky4(chol, [p[i * N]!, p[i * N + 1]!, p[i * N + 2]!, p[i * N + 3]!]);
      for (let j = 0; j < 4; j += 1) k[i * 4 + j] = row[j]!;
    }
    const innovation = [z[0] - this.mean[0]!, z[1] - this.mean[1]!, z[2] - this.mean[2]!, z[3] - this.mean[3]!];
    for (let i = 0; i < N; i += 1) {
      let dx = 0;
      for (let j = 0; j < 4; j += 1) dx += k[i * 4 + j]! * innovation[j]!;
      this.mean[i] = this.mean[i]! + dx;
    }
    // P -= K S K^T, and K S = P H^T, so P -= K (P H^T)^T.
    const pht = new Float64Array(N * 4);
    for (let i = 0; i < N; i += 1) for (let j = 0; j < 4; j += 1) pht[i * 4 + j] = p[i * N + j]!;
    for (let i = 0; i < N; i += 1) {
      for (let j = 0; j < N; j += 1) {
        let acc = 0;
        for (let t = 0; t < 4; t += 1) acc += k[i * 4 + t]! * pht[j * 4 + t]!;
        p[i * N + j] = p[i * N + j]! - acc;
      }
    }
  }
}

function cholesky4(a: Float64Array): Float64Array {
  const l = new Float64Array(16);
  for (let i = 0; i < 4; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = a[i * 4 + j]!;
      for (let t = 0; t < j; t += 1) sum -= l[i * 4 + t]! * l[j * 4 + t]!;
      l[i * 4 + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * 4 + j]!;
    }
  }
  return l;
}

function solveCholesky4(l: Float64Array, b: number[]): number[] {
  const y = [0, 0, 0, 0];
  for (let i = 0; i < 4; i += 1) {
    let sum = b[i]!;
    for (let t = 0; t < i; t += 1) sum -= l[i * 4 + t]! * y[t]!;
    y[i] = sum / l[i * 4 + i]!;
  }
  const x = [0, 0, 0, 0];
  for (let i = 3; i >= 0; i -= 1) {
    let sum = y[i]!;
    for (let t = i + 1; t < 4; t += 1) sum -= l[t * 4 + i]! * x[t]!;
    x[i] = sum / l[i * 4 + i]!;
  }
  return x;
}
