import type { Worker } from 'node:worker_threads';
import { ToolkitError } from '@tamkit/common';
import type { RawImage } from '../../preprocess/normalize.js';
import { startWorker } from '../../worker/start-worker.js';
import { type HostJob, type HostReply, transfers } from './protocol.js';

/** What a job needs besides its buffers (the client adds `id`, input and `out`). */
type JobFields<J> = Omit<J, 'id' | 'out' | 'pixels' | 'logits' | 'source'>;

/**
 * A worker thread for the tracker's host stages. onnxruntime-node runs inference on the JavaScript thread, so
 * preprocessing the next frame and upsampling a mask can only overlap a module's run from another thread.
 * Buffers are pooled by size and moved to the worker and back; the worker keeps the process alive only while a
 * job is outstanding.
 */
export class HostWorker {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (reply: HostReply) => void; reject: (error: Error) => void }>();
  readonly #pools = new Map<number, ArrayBuffer[]>();
  #nextId = 0;
  #failure: Error | undefined;

  constructor() {
    this.#worker = startWorker(new URL('./worker-entry.js', import.meta.url));
    this.#worker.unref();
    this.#worker.on('message', (reply: HostReply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the host worker exited with code ${code}`)));
  }

  /**
   * Preprocesses a frame into a pooled tensor. The pixels are copied now, so the caller may reuse its buffer,
   * unless they are in a SharedArrayBuffer: then the worker reads them in place, and they must stay unchanged
   * until the result arrives.
   */
  preprocess(frame: RawImage, size: number): Promise<Float32Array> {
    const d = frame.data;
    let pixels: ArrayBuffer | Uint8Array;
    if (d.buffer instanceof SharedArrayBuffer) pixels = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    else {
      pixels = this.#take(d.byteLength);
      new Uint8Array(pixels).set(d);
    }
    const fields: JobFields<HostJob & { kind: 'preprocess' }> = {
      kind: 'preprocess',
      width: frame.width,
      height: frame.height,
      channels: frame.channels,
      size,
    };
    return this.#submit((id, out) => ({ ...fields, id, pixels, out }), 3 * size * size * 4);
  }

  /** The memory encoder's mask input from [height, width] logits (copied now) into a pooled side x side map. */
  maskForMem(
    logits: Float32Array,
    shape: { height: number; width: number; side: number },
    transform: { scale: number; bias: number },
  ): Promise<Float32Array> {
    const copy = this.#take(logits.byteLength);
    new Float32Array(copy).set(logits);
    return this.#submit(
      (id, out) => ({ kind: 'mask-for-mem', id, logits: copy, ...shape, ...transform, out }),
      shape.side * shape.side * 4,
    );
  }

  /** Image features [1, channels, hw] (copied now) as memory-attention tokens [hw, 1, channels] in a pooled buffer. */
  chwToTokens(features: Float32Array, channels: number, hw: number): Promise<Float32Array> {
    const source = this.#take(channels * hw * 4);
    new Float32Array(source).set(features.subarray(0, channels * hw));
    return this.#submit((id, out) => ({ kind: 'tokens', id, source, channels, hw, out }), channels * hw * 4);
  }

  /** Returns a result's buffer to the pool once nothing reads it any more. */
  recycle(result: Float32Array): void {
    this.#pool(result.buffer as ArrayBuffer);
  }

  #pool(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return;
    const pool = this.#pools.get(buffer.byteLength) ?? [];
    pool.push(buffer);
    this.#pools.set(buffer.byteLength, pool);
  }

  /** Stops the worker; outstanding jobs fail. */
  async close(): Promise<void> {
    this.#fail(new Error('the host worker was closed'));
    await this.#worker.terminate();
  }

  #take(bytes: number): ArrayBuffer {
    return this.#pools.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
  }

  #submit(make: (id: number, out: ArrayBuffer) => HostJob, outBytes: number): Promise<Float32Array> {
    const id = this.#nextId++;
    const job = make(id, this.#take(outBytes));
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<HostReply>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage(job, transfers(job));
    }).then((reply) => {
      if (reply.input) this.#pool(reply.input);
      if (!reply.ok) {
        this.#pool(reply.out);
        throw new ToolkitError('HOST_WORKER_JOB_FAILED', `host worker: ${job.kind} failed: ${reply.message}`, {
          remedy:
            'Check the frame and mask sizes; run the tracker with hostWorker: false (--no-host-worker) to see the error in process.',
        });
      }
      return new Float32Array(reply.out);
    });
  }

  #settle(reply: HostReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    waiting.resolve(reply);
  }

  #fail(cause: Error): void {
    this.#failure ??= new ToolkitError('HOST_WORKER_FAILED', `the tracker's host worker stopped: ${cause.message}`, {
      remedy: 'Run the tracker with hostWorker: false (--no-host-worker) to do the host stages in process.',
      cause,
    });
    for (const { reject } of this.#waiting.values()) reject(this.#failure);
    this.#waiting.clear();
  }
}
