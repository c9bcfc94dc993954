import { performance } from 'node:perf_hooks';
import { ToolkitError } from '@tamkit/common';
import type { Placement } from '../report/schema.js';
import { describeCause, RunnerErrorCode, runnerStateError } from './errors.js';
import type { KernelProfile, SummariseKernelsOptions } from './ort/kernel-profile.js';
import type { Feeds, InferOptions, Outputs, RunnerCapabilities, TensorInfo } from './types.js';

/** How long a self-timed runner (trtexec) measures. */
export interface SelfTimedBudget {
  warmupIterations: number;
  /** Fixed iteration count; when absent `timeMs` applies. */
  iterations?: number;
  timeMs?: number;
  /** Concrete input shapes, by input name, for stacks that generate their own inputs. */
  shapes: Record<string, number[]>;
}

/** Samples measured by a self-timed runner. Copy samples are present where the tool separates them. */
export interface SelfTimedResult {
  latencyMs: number[];
  h2dMs?: number[];
  d2hMs?: number[];
}

/**
 * One inference stack running one model. Life cycle: `activate(model)` once, `infer(feeds)` any number of
 * times, `deactivate()`. Inputs and outputs are named, so runners chain: the tracking loop feeds one runner's
 * outputs to the next. Runners whose `capabilities.deviceOutputs` is true may return tensors that stay on the
 * device; `toHost()` downloads them (and times the copy).
 */
/** Options of `Runner.toHost`. */
export interface ToHostOptions {
  /** Keep the device buffers after the copy (default: release them). */
  keepDevice?: boolean;
}

export interface Runner {
  /** The registry name of the stack, e.g. `ort-cpu`. */
  readonly stack: string;
  readonly capabilities: RunnerCapabilities;
  readonly isActive: boolean;
  /** Loads the model. Throws `StackUnavailableError` when the stack cannot run here. */
  activate(modelPath: string): Promise<void>;
  /** The model's declared inputs (valid while active). */
  readonly inputs: readonly TensorInfo[];
  /** The model's declared outputs (valid while active). */
  readonly outputs: readonly TensorInfo[];
  /** Runs the model once. Feeds are validated against `inputs` (names, element types, ranks, fixed dims). */
  infer(feeds: Feeds, options?: InferOptions): Promise<Outputs>;
  /** Wall time of the last `infer()` call in milliseconds (validation excluded). */
  readonly lastInferenceMs: number | undefined;
  /**
   * Downloads device-resident outputs to host memory; host tensors pass through untouched. Device buffers are
   * released after the copy unless `keepDevice` (the tensor is still needed on the device).
   */
  toHost(outputs: Outputs, options?: ToHostOptions): Promise<Outputs>;
  /** Wall time of the last `toHost()` call that copied anything, in milliseconds. */
  readonly lastTransferMs: number | undefined;
  /** Runs the model `runs` times in a separate profiled session and reports which provider ran what. */
  profilePlacement(feeds: Feeds, runs: number): Promise<Placement>;
  /**
   * Runs the model `runs` times in a separate profiled session and reports where the time goes (see
   * `KernelProfile`); the first `skipRuns` runs are left out of the summary. Same capability as placement.
   */
  profileKernels(feeds: Feeds, runs: number, options?: SummariseKernelsOptions): Promise<KernelProfile>;
  /** For self-timed stacks: lets the tool measure latency itself. */
  measureSelf(budget: SelfTimedBudget): Promise<SelfTimedResult>;
  /** Stack options as run (threads, optimisation level, precision...), for the report. */
  describeOptions(): Record<string, unknown>;
  /** Caveats the reader of a result must see. */
  notes(): string[];
  /** Releases the model. Safe to call when inactive. */
  deactivate(): Promise<void>;
}

/**
 * Template method base (as in Polygraphy): the public methods check the life cycle, validate feeds, time the
 * call and turn native failures into typed errors; a stack implements only the `*Impl` methods.
 */
export abstract class BaseRunner implements Runner {
  abstract readonly stack: string;
  abstract readonly capabilities: RunnerCapabilities;
  #active = false;
  #inputs: readonly TensorInfo[] = [];
  #outputs: readonly TensorInfo[] = [];
  #modelPath = '';
  #lastInferenceMs: number | undefined;
  #lastTransferMs: number | undefined;

  get isActive(): boolean {
    return this.#active;
  }
  get inputs(): readonly TensorInfo[] {
    this.#requireActive('inputs');
    return this.#inputs;
  }
  get outputs(): readonly TensorInfo[] {
    this.#requireActive('outputs');
    return this.#outputs;
  }
  get lastInferenceMs(): number | undefined {
    return this.#lastInferenceMs;
  }
  get lastTransferMs(): number | undefined {
    return this.#lastTransferMs;
  }
  /** The model path given to `activate()`. */
  protected get modelPath(): string {
    return this.#modelPath;
  }

  async activate(modelPath: string): Promise<void> {
    if (this.#active) throw runnerStateError(this.stack, `activate(${modelPath}) called while already active`);
    const signature = await this.#wrap(`load ${modelPath}`, () => this.activateImpl(modelPath));
    this.#inputs = signature.inputs;
    this.#outputs = signature.outputs;
    this.#modelPath = modelPath;
    this.#lastInferenceMs = undefined;
    this.#active = true;
  }

  async infer(feeds: Feeds, options: InferOptions = {}): Promise<Outputs> {
    this.#requireActive('infer()');
    if (!this.capabilities.inProcess) throw this.#notSupported('infer() (it runs out of process; use measureSelf())');
    validateFeeds(this.stack, this.#inputs, feeds);
    // Before the clock starts: a check a stack makes once per kind of feed (the ONNX Runtime crash probe).
    await this.#wrap(`check ${this.#modelPath}`, () => this.beforeInferImpl(feeds));
    const start = performance.now();
    const outputs = await this.#wrap(`run ${this.#modelPath}`, () => this.inferImpl(feeds, options));
    this.#lastInferenceMs = performance.now() - start;
    return outputs;
  }

  async toHost(outputs: Outputs, options: ToHostOptions = {}): Promise<Outputs> {
    if (Object.values(outputs).every((t) => t.location === 'cpu')) return outputs;
    const start = performance.now();
    const host = await this.#wrap('copy outputs to host', () => this.toHostImpl(outputs, options));
    this.#lastTransferMs = performance.now() - start;
    return host;
  }

  async profilePlacement(feeds: Feeds, runs: number): Promise<Placement> {
    this.#requireActive('profilePlacement()');
    if (!this.capabilities.placement) throw this.#notSupported('placement profiling');
    validateFeeds(this.stack, this.#inputs, feeds);
    await this.#wrap(`check ${this.#modelPath}`, () => this.beforeInferImpl(feeds));
    return this.#wrap(`profile ${this.#modelPath}`, () => this.profilePlacementImpl(feeds, Math.max(1, runs)));
  }

  async profileKernels(feeds: Feeds, runs: number, options: SummariseKernelsOptions = {}): Promise<KernelProfile> {
    this.#requireActive('profileKernels()');
    if (!this.capabilities.placement) throw this.#notSupported('kernel profiling');
    validateFeeds(this.stack, this.#inputs, feeds);
    await this.#wrap(`check ${this.#modelPath}`, () => this.beforeInferImpl(feeds));
    return this.#wrap(`profile ${this.#modelPath}`, () => this.profileKernelsImpl(feeds, Math.max(1, runs), options));
  }

  async measureSelf(budget: SelfTimedBudget): Promise<SelfTimedResult> {
    this.#requireActive('measureSelf()');
    if (!this.capabilities.selfTimed) throw this.#notSupported('self-timed measurement');
    return this.#wrap(`time ${this.#modelPath}`, () => this.measureSelfImpl(budget));
  }

  async deactivate(): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    await this.deactivateImpl();
  }

  describeOptions(): Record<string, unknown> {
    return {};
  }

  notes(): string[] {
    return [];
  }

  protected abstract activateImpl(modelPath: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }>;
  protected abstract inferImpl(feeds: Feeds, options: InferOptions): Promise<Outputs>;
  protected abstract deactivateImpl(): Promise<void>;

  /**
   * Runs with the validated feeds before each `inferImpl` (untimed) and before each profiling session (which runs
   * the model in this process too). Default: nothing.
   */
  protected beforeInferImpl(_feeds: Feeds): Promise<void> {
    return Promise.resolve();
  }
  protected toHostImpl(_outputs: Outputs, _options: ToHostOptions): Promise<Outputs> {
    throw this.#notSupported('device outputs');
  }
  protected profilePlacementImpl(_feeds: Feeds, _runs: number): Promise<Placement> {
    throw this.#notSupported('placement profiling');
  }
  protected profileKernelsImpl(
    _feeds: Feeds,
    _runs: number,
    _options: SummariseKernelsOptions,
  ): Promise<KernelProfile> {
    throw this.#notSupported('kernel profiling');
  }
  protected measureSelfImpl(_budget: SelfTimedBudget): Promise<SelfTimedResult> {
    throw this.#notSupported('self-timed measurement');
  }

  #requireActive(what: string): void {
    if (!this.#active) throw runnerStateError(this.stack, `${what} needs an active runner; call activate(model) first`);
  }

  #notSupported(what: string): ToolkitError {
    return new ToolkitError(RunnerErrorCode.NotSupported, `${this.stack} runner does not support ${what}`, {
      remedy: 'Check runner.capabilities before calling it.',
    });
  }

  async #wrap<T>(action: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof ToolkitError) throw error;
      throw new ToolkitError(RunnerErrorCode.RunFailed, `${this.stack}: could not ${action}: ${describeCause(error)}`, {
        remedy: 'Check that the model is a valid ONNX file this stack supports; rerun with another stack to compare.',
        cause: error,
      });
    }
  }
}

/** Throws a typed error naming every mismatch between feeds and the declared inputs. */
export function validateFeeds(stack: string, inputs: readonly TensorInfo[], feeds: Feeds): void {
  const problems: string[] = [];
  const declared = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(feeds)) if (!declared.has(name)) problems.push(`unknown input "${name}"`);
  for (const info of inputs) {
    const tensor = feeds[info.name];
    if (tensor === undefined) {
      problems.push(`missing input "${info.name}"`);
      continue;
    }
    if (tensor.type !== info.type) problems.push(`"${info.name}" is ${tensor.type}, the model wants ${info.type}`);
    if (tensor.dims.length !== info.shape.length) {
      problems.push(`"${info.name}" has rank ${tensor.dims.length}, the model wants [${info.shape.join(',')}]`);
      continue;
    }
    if (info.shape.some((dim, axis) => typeof dim === 'number' && tensor.dims[axis] !== dim)) {
      problems.push(`"${info.name}" has shape [${tensor.dims.join(',')}], the model wants [${info.shape.join(',')}]`);
    }
  }
  if (problems.length > 0) {
    throw new ToolkitError(
      RunnerErrorCode.BadFeeds,
      `${stack} runner: feeds do not match the model: ${problems.join('; ')}`,
      {
        remedy: `Feed exactly the model's inputs: ${inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(',')}]`).join(', ')}.`,
      },
    );
  }
}
