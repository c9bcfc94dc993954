import { ToolkitError } from '@tamkit/common';
import type { RawImage } from '../preprocess/normalize.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import { BilinearResizer } from './bilinear.js';
import { HostWorker } from './host-worker/host-worker.js';
import { chwToTokens } from './layout.js';

/** Low-res logits to turn into the memory encoder's mask input. */
export interface MaskSource {
  logits: Float32Array;
  height: number;
  width: number;
}

/** The frame handed to `prefetch` (or the promise of it), the frame once there, and its tensor under way. */
interface Prefetched {
  given: RawImage | Promise<RawImage>;
  frame?: RawImage;
  tensor: Promise<Float32Array>;
}

/**
 * The tracker's host stages that can run beside inference: preprocessing a frame given ahead of time, and
 * the memory encoder's mask (sigmoid of the upsampled logits). With a worker they run on another thread while
 * the JavaScript thread is inside onnxruntime-node's synchronous `run`; without one (or when the worker cannot
 * start) they run in process. Both paths use the same kernels, so results are identical.
 */
export class HostStages {
  readonly preprocessor = new Preprocessor();
  /** Caveats to show with results (a worker that could not start). */
  readonly notes: string[] = [];
  #worker: HostWorker | undefined;
  #useWorker: boolean;
  #prefetched: Prefetched | undefined;
  /** Worker results handed out and not retired yet. */
  readonly #pooled = new WeakSet<Float32Array>();
  /** Results retired this frame: back to the pool when the next frame starts (a recorded input may be replayed). */
  #retired: Float32Array[] = [];
  #resizer: BilinearResizer | undefined;
  /** Two in-process mask maps, alternating: the previous frame's map is still a recorded input of its frame. */
  #maskOut: Float32Array[] = [];

  constructor(useWorker: boolean) {
    this.#useWorker = useWorker;
  }

  /** Whether work goes to a worker thread now. */
  get threaded(): boolean {
    return this.#useWorker;
  }

  /** Called when a frame starts: buffers retired during the previous frame go back to the pool. */
  nextFrame(): void {
    for (const t of this.#retired) this.#worker?.recycle(t);
    this.#retired = [];
  }

  /**
   * Starts preprocessing `frame` in the worker (no-op without one); `preprocess(frame)` picks it up. A promise of
   * the frame (a decode under way) is preprocessed as soon as it resolves.
   */
  prefetch(frame: RawImage | Promise<RawImage>): void {
    const worker = this.#ensureWorker();
    this.#dropPrefetch();
    if (!worker) return;
    const size = this.preprocessor.size;
    if (!(frame instanceof Promise)) {
      this.#prefetched = { given: frame, frame, tensor: worker.preprocess(frame, size) };
      return;
    }
    const entry: Prefetched = {
      given: frame,
      tensor: frame.then((image) => {
        entry.frame = image;
        return worker.preprocess(image, size);
      }),
    };
    // A failed decode surfaces when that frame is tracked, not as an unhandled rejection now.
    entry.tensor.catch(() => undefined);
    this.#prefetched = entry;
  }

  /** The normalised tensor of `frame`: the prefetched one when `frame` is the object given to `prefetch`. */
  async preprocess(frame: RawImage): Promise<Float32Array> {
    if (this.#prefetched !== undefined && (this.#prefetched.frame === frame || this.#prefetched.given === frame)) {
      const job = this.#prefetched.tensor;
      this.#prefetched = undefined;
      const tensor = await this.#orFallback(job);
      if (tensor) return this.#handOut(tensor);
    }
    this.#dropPrefetch();
    return this.preprocessor.fromRgb(frame);
  }

  /**
   * The memory encoder's mask input: sigmoid(bilinear(logits, side x side)) * scale + bias. Threaded, the
   * logits are copied now and the map arrives later; in process it is computed now into a reused buffer.
   */
  maskForMem(source: MaskSource, side: number, transform: { scale: number; bias: number }): Promise<Float32Array> {
    const worker = this.#ensureWorker();
    if (worker) {
      const job = worker.maskForMem(source.logits, { height: source.height, width: source.width, side }, transform);
      return this.#orFallback(job).then((map) => {
        if (!map) return this.#maskInProcess(source, side, transform);
        return this.#handOut(map);
      });
    }
    return Promise.resolve(this.#maskInProcess(source, side, transform));
  }

  /**
   * Image features [1, channels, hw] as memory-attention tokens [hw, 1, channels]: threaded, copied now and
   * transposed beside whatever the caller runs next; in process, transposed now into `inProcess`.
   */
  tokens(features: Float32Array, channels: number, hw: number, inProcess: Float32Array): Promise<Float32Array> {
    const worker = this.#ensureWorker();
    if (worker) {
      return this.#orFallback(worker.chwToTokens(features, channels, hw)).then((t) =>
        t ? this.#handOut(t) : chwToTokens(features, channels, hw, inProcess),
      );
    }
    return Promise.resolve(chwToTokens(features, channels, hw, inProcess));
  }

  /** Declares a result of `preprocess`, `maskForMem` or `tokens` consumed; its buffer is reused from the next frame on. */
  retire(result: Float32Array): void {
    if (!this.#pooled.has(result)) return;
    this.#pooled.delete(result);
    this.#retired.push(result);
  }

  /** Stops the worker. */
  async dispose(): Promise<void> {
    this.#dropPrefetch();
    const worker = this.#worker;
    this.#worker = undefined;
    this.#useWorker = false;
    await worker?.close();
  }

  #maskInProcess(source: MaskSource, side: number, transform: { scale: number; bias: number }): Float32Array {
    const r = this.#resizer;
    if (!r || r.inH !== source.height || r.inW !== source.width || r.outH !== side) {
      this.#resizer = new BilinearResizer(source.height, source.width, side, side);
    }
    if (this.#maskOut[0]?.length !== side * side)
      this.#maskOut = [new Float32Array(side * side), new Float32Array(side * side)];
    const out = this.#maskOut.shift()!;
    this.#maskOut.push(out);
    this.#resizer!.toMaskForMem(source.logits, out, transform.scale, transform.bias);
    return out;
  }

  #handOut(result: Float32Array): Float32Array {
    this.#pooled.add(result);
    return result;
  }

  #ensureWorker(): HostWorker | undefined {
    if (this.#useWorker && !this.#worker) this.#worker = new HostWorker();
    return this.#worker;
  }

  /** A job's result, or undefined (and in-process from now on, with a note) when the worker itself failed. */
  async #orFallback(job: Promise<Float32Array>): Promise<Float32Array | undefined> {
    try {
      return await job;
    } catch (error) {
      if (!(error instanceof ToolkitError && error.code === 'HOST_WORKER_FAILED')) throw error;
      if (this.#useWorker) {
        this.notes.push(`host worker unavailable (${error.message}); host stages ran in process`);
        this.#useWorker = false;
        this.#worker = undefined;
      }
      return undefined;
    }
  }

  #dropPrefetch(): void {
    const stale = this.#prefetched;
    this.#prefetched = undefined;
    stale?.tensor.then(
      (t) => this.#worker?.recycle(t),
      () => undefined,
    );
  }
}
