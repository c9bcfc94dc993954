import { boxIou, KalmanBoxFilter, type KalmanOptions, type Xyxy } from './kalman.js';

/** Options of SAMURAI's motion-aware mask selection. Defaults are SAMURAI's. */
export interface MotionSelectorOptions extends KalmanOptions {
  /** Stable frames before the Kalman score joins the choice. Default 15. */
  stableFrames?: number;
  /** The filter is updated while the chosen candidate passes this gate, else reset. Default 0.3. */
  gate?: number;
  /**
   * What the gate compares: `predicted-iou` (the decoder's IoU score of the chosen mask: what SAMURAI's released
   * sam2_base.py tests, `ious[best] > stable_ious_threshold`) or `box-iou` (IoU of the chosen box with the Kalman
   * prediction, as our reference notes put it). Default `predicted-iou`.
   */
  gateOn?: 'box-iou' | 'predicted-iou';
  /** Weight of the Kalman IoU in the stable phase: w * kalmanIoU + (1 - w) * predictedIoU. Default 0.25. */
  kalmanWeight?: number;
}

/** What one selection did, for inspection and tests. */
export interface MotionChoice {
  index: number;
  phase: 'initiate' | 'warm-up' | 'weighted';
  /** The Kalman prediction the candidates were scored against (absent on initiate). */
  predicted?: Xyxy;
  /** Whether the filter took the chosen box as a measurement (false = reset). */
  updated: boolean;
  /**
   * IoU of the Kalman prediction with the chosen box, in the weighted phase only: SAMURAI computes its kf_score
   * there and has none before the filter is stable (memory selection then skips that test).
   */
  kalmanScore?: number;
}

/**
 * SAMURAI's motion-aware selection among the decoder's candidate masks. Until `stableFrames` consecutive frames
 * passed the gate, the best predicted IoU wins and feeds the filter (a failed gate resets it); afterwards the
 * winner maximises w * IoU(Kalman box, candidate box) + (1 - w) * predicted IoU.
 */
export class MotionSelector {
  readonly filter: KalmanBoxFilter;
  #stable = 0;
  readonly #options: Required<Omit<MotionSelectorOptions, keyof KalmanOptions>>;

  constructor(options: MotionSelectorOptions = {}) {
    this.filter = new KalmanBoxFilter(options);
    this.#options = {
      stableFrames: options.stableFrames ?? 15,
      gate: options.gate ?? 0.3,
      gateOn: options.gateOn ?? 'predicted-iou',
      kalmanWeight: options.kalmanWeight ?? 0.25,
    };
  }

  /** Consecutive frames that passed the gate since the last reset. */
  get stableFrames(): number {
    return this.#stable;
  }

  reset(): void {
    this.#stable = 0;
  }

  /** Picks one of the candidates (boxes [x1,y1,x2,y2] and predicted IoUs, same order) and advances the filter. */
  select(boxes: readonly Xyxy[], ious: ArrayLike<number>): MotionChoice {
    if (boxes.length === 0 || boxes.length !== ious.length) {
      throw new RangeError(`select: need one box per IoU score, got ${boxes.length} boxes and ${ious.length} scores`);
    }
    const best = argmax(boxes.length, (i) => ious[i]!);
    if (this.#stable === 0) {
      this.filter.initiate(boxes[best]!);
      this.#stable = 1;
      return { index: best, phase: 'initiate', updated: true };
    }
    this.filter.predict();
    const predicted = this.filter.box();
    const { stableFrames, kalmanWeight: w } = this.#options;
    const phase = this.#stable < stableFrames ? 'warm-up' : 'weighted';
    const index =
      phase === 'warm-up' ? best : argmax(boxes.length, (i) => w * boxIou(predicted, boxes[i]!) + (1 - w) * ious[i]!);
    const motion = boxIou(predicted, boxes[index]!);
    const score = this.#options.gateOn === 'box-iou' ? motion : ious[index]!;
    // SAMURAI updates on `score > gate` while warming up and resets on `score < gate` once stable.
    const updated = phase === 'warm-up' ? score > this.#options.gate : !(score < this.#options.gate);
    if (updated) {
      this.filter.update(boxes[index]!);
      this.#stable += 1;
    } else {
      this.#stable = 0;
    }
    return phase === 'weighted'
      ? { index, phase, predicted, updated, kalmanScore: motion }
      : { index, phase, predicted, updated };
  }
}

function argmax(n: number, score: (i: number) => number): number {
  let best = 0;
  for (let i = 1; i < n; i += 1) if (score(i) > score(best)) best = i;
  return best;
}
