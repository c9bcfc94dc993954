import type { Worker } from 'node:worker_threads';
import { ToolkitError } from '@tamkit/common';
import type { Placement } from '../../report/schema.js';
import { startWorker } from '../../worker/start-worker.js';
import { RunnerErrorCode, StackUnavailableError } from '../errors.js';
import type { KernelProfile, SummariseKernelsOptions } from '../ort/kernel-profile.js';
import { loadOrt, ortLogLevel } from '../ort/load-ort.js';
import { getStack } from '../registry.js';
import { BaseRunner } from '../runner.js';
import type { RunnerSettings } from '../stack-definition.js';
import type { Feeds, InferOptions, Outputs, RunnerCapabilities, TensorInfo } from '../types.js';
import {
  mapTensors,
  type PlainError,
  type PlainTensors,
  plainTensor,
  type RunnerCall,
  type RunnerReply,
  tensorFrom,
} from './protocol.js';

/** What the worker reports once its runner is active. */
interface Activated {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  capabilities: RunnerCapabilities;
  options: Record<string, unknown>;
  notes: string[];
}

/** Distributes `Omit` over the union of calls, so each call keeps its own fields. */
type CallFields = RunnerCall extends infer C ? (C extends RunnerCall ? Omit<C, 'id'> : never) : never;

/**
 * A runner of a registered in-process stack whose session lives in a worker thread. onnxruntime-node's `run`
 * is synchronous on the calling thread: a module run here leaves the JavaScript thread free, so the caller can
 * run other modules (on their own sessions and CUDA streams) at the same time. Inputs are copied to the worker,
 * outputs come back as host tensors (moved, not copied, when they own their buffers). Graph edits cross as their
 * descriptions (`ModelEdit.portable`); an edit that is only a function is refused.
 */
export class ThreadedRunner extends BaseRunner {
  readonly stack: string;
  readonly #settings: RunnerSettings;
  #capabilities: RunnerCapabilities = {
    inProcess: true,
    deviceOutputs: false,
    placement: false,
    selfTimed: false,
    threaded: true,
  };
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #failure: Error | undefined;
  #options: Record<string, unknown> = {};
  #notes: string[] = [];

  constructor(stack: string, settings: RunnerSettings = {}) {
    super();
    if (!getStack(stack).workerThreads) {
      throw new ToolkitError('OFF_THREAD_UNSUPPORTED', `${stack} sessions cannot run in a worker thread`, {
        remedy: `Run it on the JavaScript thread: ${stack} is not among the stacks that run in one (StackTraits.workerThreads).`,
      });
    }
    const fixed = settings.edits?.filter((e) => e.portable === undefined) ?? [];
    if (fixed.length > 0) {
      throw new ToolkitError(
        RunnerErrorCode.NotSupported,
        `a ${stack} runner in a worker thread cannot take graph edits given as functions only (${fixed.map((e) => e.label).join(', ')})`,
        {
          remedy:
            'Give the edit its description (ModelEdit.portable), apply it to the model file first, or run this module on the JavaScript thread.',
        },
      );
    }
    this.stack = stack;
    this.#settings = settings;
  }

  get capabilities(): RunnerCapabilities {
    return this.#capabilities;
  }

  override describeOptions(): Record<string, unknown> {
    return { ...this.#options, thread: 'worker' };
  }

  override notes(): string[] {
    return [...this.#notes, `${this.stack} session in a worker thread (the JavaScript thread is free during its runs)`];
  }

  protected async activateImpl(modelPath: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
    this.#failure = undefined;
    const worker = startWorker(new URL('./worker-entry.js', import.meta.url));
    this.#worker = worker;
    worker.unref();
    worker.on('message', (reply: RunnerReply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`the runner's worker thread exited with code ${code}`)));
    const { edits, deviceOutputs: _, ...rest } = this.#settings;
    const settings = edits === undefined ? rest : { ...rest, edits: edits.map((e) => e.portable!) };
    try {
      const active = (await this.#call({
        kind: 'activate',
        stack: this.stack,
        settings,
        modelPath,
        logLevel: ortLogLevel(),
      })) as Activated;
      this.#capabilities = { ...active.capabilities, deviceOutputs: false, threaded: true };
      this.#options = active.options;
      this.#notes = active.notes;
      return { inputs: active.inputs, outputs: active.outputs };
    } catch (error) {
      await this.#stop();
      throw error;
    }
  }

  protected async inferImpl(feeds: Feeds, options: InferOptions): Promise<Outputs> {
    const reply = (await this.#call({
      kind: 'infer',
      feeds: plainFeeds(feeds),
      ...(options.outputs === undefined ? {} : { outputs: options.outputs }),
    })) as { outputs: PlainTensors; notes: string[] };
    this.#notes = reply.notes;
    const ort = await loadOrt();
    return mapTensors(reply.outputs, (t) => tensorFrom(ort, t));
  }

  protected override profilePlacementImpl(feeds: Feeds, runs: number): Promise<Placement> {
    return this.#call({ kind: 'profilePlacement', feeds: plainFeeds(feeds), runs }) as Promise<Placement>;
  }

  protected override profileKernelsImpl(
    feeds: Feeds,
    runs: number,
    options: SummariseKernelsOptions,
  ): Promise<KernelProfile> {
    return this.#call({
      kind: 'profileKernels',
      feeds: plainFeeds(feeds),
      runs,
      options: { ...options },
    }) as Promise<KernelProfile>;
  }

  protected async deactivateImpl(): Promise<void> {
    try {
      if (!this.#failure) await this.#call({ kind: 'deactivate' });
    } finally {
      await this.#stop();
    }
  }

  async #stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }

  #call(fields: CallFields): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const worker = this.#worker;
    if (!worker) return Promise.reject(new Error('the worker thread is not running'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // Only a call in flight keeps the process alive (an idle runner must not hold a CLI open).
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ ...fields, id });
    });
  }

  #settle(reply: RunnerReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker?.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(errorOf(reply.error));
  }

  #fail(cause: Error): void {
    this.#failure ??= new ToolkitError(
      RunnerErrorCode.RunFailed,
      `${this.stack}: the runner's worker thread stopped: ${cause.message}`,
      { remedy: 'Run the module on the JavaScript thread to see the error there.', cause },
    );
    for (const { reject } of this.#waiting.values()) reject(this.#failure);
    this.#waiting.clear();
  }
}

/** Host feeds as plain data (copied into the message); a feed left on the device cannot cross a thread. */
function plainFeeds(feeds: Feeds): PlainTensors {
  return mapTensors(feeds, (t, name) => {
    if (t.location !== 'cpu') {
      throw new ToolkitError(
        RunnerErrorCode.BadFeeds,
        `input "${name}" is on the device (${t.location}); a runner in a worker thread takes host tensors`,
        { remedy: 'Download it first (runner.toHost), or run this module on the JavaScript thread.' },
      );
    }
    return plainTensor(t);
  });
}

/** The error the worker raised, raised again here with its code, remedy and exit code. */
function errorOf(plain: PlainError): Error {
  if (plain.code === RunnerErrorCode.Unavailable && plain.stackName && plain.reason) {
    return new StackUnavailableError(plain.stackName, plain.reason, plain.remedy ?? '');
  }
  if (plain.code !== undefined) {
    return new ToolkitError(plain.code, plain.message, {
      ...(plain.remedy === undefined ? {} : { remedy: plain.remedy }),
      ...(plain.exitCode === undefined ? {} : { exitCode: plain.exitCode }),
    });
  }
  return new Error(plain.message);
}
