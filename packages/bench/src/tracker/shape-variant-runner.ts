/**
 * A module run under a shape variant in the tracking loop: the dynamic model for shapes nobody fixed, and one
 * extra session per fixed binding (pinned through `freeDimensionOverrides`, or specialised by graph-surgery).
 * Each call goes to the session whose binding the feeds match, the dynamic one otherwise. The memory bank only
 * reaches one shape once it is full, so the first frames run the dynamic model and every frame after the
 * specialised one; `usage()` says which ran how often (tests assert the specialised one is used).
 */
import type { Placement } from '../report/schema.js';
import type { KernelProfile, SummariseKernelsOptions } from '../stacks/ort/kernel-profile.js';
import type { Runner, SelfTimedBudget, SelfTimedResult, ToHostOptions } from '../stacks/runner.js';
import { describeBinding, feedsMatch, type ShapeBinding, type ShapeVariant } from '../stacks/shape-variant.js';
import type { Feeds, InferOptions, Outputs, RunnerCapabilities, TensorInfo } from '../stacks/types.js';

/** One fixed binding and the active runner that serves it. */
export interface BoundRunner {
  binding: ShapeBinding;
  runner: Runner;
}

/** Calls per session: `dynamic` (or `specialised`, see the constructor), or the binding's description. */
export type VariantUsage = Record<string, number>;

export class ShapeVariantRunner implements Runner {
  readonly variant: ShapeVariant;
  readonly #dynamic: Runner;
  readonly #bound: readonly BoundRunner[];
  readonly #usage: VariantUsage;
  /** Usage key of the fallback session: `dynamic`, or `specialised` for a module specialised outright. */
  readonly #fallbackKey: string;
  #last: Runner;

  /**
   * `dynamic` (the fallback session: the exported model, or for a module with one input shape its specialised
   * model, `outright`) and every bound runner must be active; this runner owns them all from now on.
   */
  constructor(variant: ShapeVariant, dynamic: Runner, bound: readonly BoundRunner[], outright = false) {
    this.variant = variant;
    this.#dynamic = dynamic;
    this.#bound = bound;
    this.#last = dynamic;
    this.#fallbackKey = outright ? 'specialised' : 'dynamic';
    this.#usage = { [this.#fallbackKey]: 0 };
    for (const b of bound) this.#usage[describeBinding(b.binding)] = 0;
  }

  get stack(): string {
    return this.#dynamic.stack;
  }
  get capabilities(): RunnerCapabilities {
    return this.#dynamic.capabilities;
  }
  get isActive(): boolean {
    return this.#dynamic.isActive;
  }
  /** The dynamic model's inputs: callers feed the full signature; a specialised session takes what it kept. */
  get inputs(): readonly TensorInfo[] {
    return this.#dynamic.inputs;
  }
  get outputs(): readonly TensorInfo[] {
    return this.#dynamic.outputs;
  }
  get lastInferenceMs(): number | undefined {
    return this.#last.lastInferenceMs;
  }
  get lastTransferMs(): number | undefined {
    return this.#last.lastTransferMs;
  }

  /** Calls so far per session (`dynamic` or the binding's description). */
  usage(): VariantUsage {
    return { ...this.#usage };
  }

  async activate(modelPath: string): Promise<void> {
    throw new RangeError(`ShapeVariantRunner is built from active runners; activate(${modelPath}) is not for it`);
  }

  infer(feeds: Feeds, options?: InferOptions): Promise<Outputs> {
    const [runner, key, own] = this.#route(feeds);
    this.#usage[key] = (this.#usage[key] ?? 0) + 1;
    this.#last = runner;
    return runner.infer(own, options);
  }

  toHost(outputs: Outputs, options?: ToHostOptions): Promise<Outputs> {
    return this.#last.toHost(outputs, options);
  }

  profilePlacement(feeds: Feeds, runs: number): Promise<Placement> {
    const [runner, , own] = this.#route(feeds);
    return runner.profilePlacement(own, runs);
  }

  profileKernels(feeds: Feeds, runs: number, options?: SummariseKernelsOptions): Promise<KernelProfile> {
    const [runner, , own] = this.#route(feeds);
    return runner.profileKernels(own, runs, options);
  }

  measureSelf(budget: SelfTimedBudget): Promise<SelfTimedResult> {
    return this.#dynamic.measureSelf(budget);
  }

  describeOptions(): Record<string, unknown> {
    return {
      ...this.#dynamic.describeOptions(),
      shapeVariant: this.variant,
      ...(this.#bound.length === 0 ? {} : { fixedShapes: this.#bound.map((b) => describeBinding(b.binding)) }),
    };
  }

  notes(): string[] {
    const notes = [...this.#dynamic.notes()];
    for (const b of this.#bound) for (const n of b.runner.notes()) if (!notes.includes(n)) notes.push(n);
    return notes;
  }

  async deactivate(): Promise<void> {
    for (const b of this.#bound) await b.runner.deactivate();
    await this.#dynamic.deactivate();
  }

  /** The session for these feeds, its usage key, and the feeds it takes (a specialised graph drops bound values). */
  #route(feeds: Feeds): [Runner, string, Feeds] {
    const hit = this.#bound.find((b) => feedsMatch(b.binding, feeds));
    if (hit === undefined) return [this.#dynamic, this.#fallbackKey, feeds];
    const names = new Set(hit.runner.inputs.map((i) => i.name));
    const own = Object.keys(feeds).every((n) => names.has(n))
      ? feeds
      : Object.fromEntries(Object.entries(feeds).filter(([n]) => names.has(n)));
    return [hit.runner, describeBinding(hit.binding), own];
  }
}
