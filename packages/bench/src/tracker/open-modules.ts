import { availableParallelism } from 'node:os';
import { ToolkitError } from '@tamkit/common';
import type { PrecisionPlan } from '@tamkit/graph-surgery';
import { generateFeeds } from '../measure/inputs.js';
import { resolveInputShapes } from '../measure/shapes.js';
import { loadOrt } from '../stacks/ort/load-ort.js';
import { OrtRunner } from '../stacks/ort/ort-runner.js';
import { getStack } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import { type ShapeBinding, type ShapeVariant, variantSettings } from '../stacks/shape-variant.js';
import type { GraphOptimization, ModelEdit, RunnerSettings } from '../stacks/stack-definition.js';
import { portableEdit } from '../stacks/threaded/portable-edits.js';
import { ThreadedRunner } from '../stacks/threaded/threaded-runner.js';
import type { Feeds, TensorInfo } from '../stacks/types.js';
import { type ModuleRunner, TRACKER_MODULES, type TrackerModule } from './module-runner.js';
import { type BankSize, hasOneShape, trackerShapeBindings } from './shape-bindings.js';
import { type BoundRunner, ShapeVariantRunner } from './shape-variant-runner.js';
import type { ModuleStacks } from './stack-spec.js';
import { intTensor } from './tensors.js';

/** Options of `openModules`. */
export interface OpenModulesOptions {
  /**
   * Intra-op threads of the ONNX Runtime stacks. Default: ONNX Runtime's choice on ort-cpu, 1 on the GPU stacks
   * (their pools only serve the nodes left on the CPU; see `threadSettings`).
   */
  threads?: number;
  /** ONNX Runtime's graph optimisation level (see `RunnerSettings.graphOptimization`). Default 'all'. */
  graphOptimization?: GraphOptimization;
  /** Keep outputs on the device on stacks that can (`deviceOutputs`, e.g. ort-webgpu). Default false. */
  deviceOutputs?: boolean;
  /**
   * ONNX Runtime intra-op spinning, stopped when each run returns (`stopSpinningAfterRun`): within a run, spinning
   * threads pick up op after op without a wake-up (Python's onnxruntime spins by default); after it, they leave
   * the cores to the next module and the host stages. Default: `loopSpinsByDefault()` (more than 2 cores) on
   * ort-cpu, off on the GPU stacks. On the 16-core GPU machine the ort-cpu modules without spinning took 157 ms per
   * frame against 132 ms with it; on the shared 2-core VM spinning made them slower (see the bench README).
   * `false`: threads sleep between ops.
   */
  allowSpinning?: boolean;
  /** A precision plan per module (see `RunnerSettings.plan`); modules without one run as they are. */
  plans?: Partial<Record<TrackerModule, PrecisionPlan>>;
  /**
   * How models with symbolic dims run (see shape-variant.ts): `original` (default) as exported; `pinned` adds a
   * session with ONNX Runtime's `freeDimensionOverrides` for each shape the loop settles into; `static` adds a
   * graph-surgery specialised session for each, and runs modules with one shape specialised outright. The
   * shapes come from the modules and `bank` (trackerShapeBindings); other shapes run the dynamic model.
   */
  shapeVariant?: ShapeVariant;
  /** Memory sizes the full-bank shape is derived from (the tracker parameters). Default 7 frames, 16 pointers. */
  bank?: BankSize;
  /**
   * Run memory_attention with its current-frame inputs and its output in the image maps' layout [1, C, H, W]
   * (graph-surgery `bakeFeatureLayout` at load, bit-identical): the loop then transposes nothing on the host.
   * Default true on ONNX Runtime stacks; a model it does not fit runs as it is (said through `onNote`).
   */
  layoutInGraph?: boolean;
  /**
   * Make memory_encoder's mask input inside its graph from the chosen low-res logits (graph-surgery
   * `bakeMemoryMask` at load: bilinear resize, sigmoid, the tracker's scale and bias): the host neither upsamples
   * nor computes 262k sigmoids per frame, which sat on the critical path once the image encoder runs ahead.
   * Default true on ONNX Runtime stacks; a model it does not fit runs as it is (said through `onNote`).
   */
  maskInGraph?: boolean;
  /**
   * Modules whose sessions live in a worker thread (ThreadedRunner), so the JavaScript thread is free while they
   * run: the tracker then encodes the next frame beside the current one (`TrackerOptions.encoderAhead`). Only
   * ONNX Runtime stacks; a module with graph edits (memory_attention's layout) cannot move. Default none.
   */
  offThread?: readonly TrackerModule[];
  /** Receives what the shape variant could not do (a shape not derivable, a dim without a name to pin). */
  onNote?: (note: string) => void;
}

/** Creates and activates one runner per module on its assigned stack. On failure, those already active are released. */
export async function openModules(
  files: Record<TrackerModule, string>,
  stacks: ModuleStacks,
  options: OpenModulesOptions = {},
): Promise<Record<TrackerModule, Runner>> {
  const opened: Partial<Record<TrackerModule, Runner>> = {};
  // Runners activated but not yet owned by a ShapeVariantRunner: released too if a later one fails.
  const stray: Runner[] = [];
  // Graph edits the loop applies at load, per module (dropped, with a note, where one does not fit the model).
  const edits: Partial<Record<TrackerModule, ModelEdit>> = {};
  const settings = (m: TrackerModule): RunnerSettings => ({
    ...threadSettings(getStack(stacks[m]).computesOnHost, options),
    ...(options.graphOptimization === undefined ? {} : { graphOptimization: options.graphOptimization }),
    deviceOutputs: options.deviceOutputs ?? false,
    ...(options.plans?.[m] === undefined ? {} : { plan: options.plans[m] }),
    ...(edits[m] ? { edits: [edits[m]] } : {}),
  });
  const create = (m: TrackerModule, settings: RunnerSettings): Runner => {
    const stack = getStack(stacks[m]);
    if (!options.offThread?.includes(m)) return stack.createWith(settings);
    if (stack.family !== 'onnxruntime' || !stack.workerThreads) {
      throw new ToolkitError('OFF_THREAD_UNSUPPORTED', `${m} cannot run in a worker thread on ${stacks[m]}`, {
        remedy:
          stack.family === 'onnxruntime'
            ? `${stacks[m]} crashed the process from a worker thread (onnxruntime-node's WebGPU provider): run it on the JavaScript thread (no --encoder-ahead / --memory-early).`
            : 'Only the ONNX Runtime stacks (ort-*) run in a worker thread; run it on the JavaScript thread.',
      });
    }
    return new ThreadedRunner(stacks[m], settings);
  };
  try {
    // memory_attention last: its layout edit takes the map size from the mask decoder's declared input.
    for (const m of [...TRACKER_MODULES.filter((x) => x !== 'memory_attention'), 'memory_attention' as const]) {
      const stack = getStack(stacks[m]);
      if (stack.family === 'onnxruntime') {
        if (m === 'memory_attention' && (options.layoutInGraph ?? true)) {
          const layout = featureLayoutEdit(opened.mask_decoder!.inputs);
          if (layout) edits[m] = layout;
        }
        if (m === 'memory_encoder' && (options.maskInGraph ?? true)) edits[m] = MEMORY_MASK_EDIT;
      }
      let runner = create(m, settings(m));
      try {
        await runner.activate(files[m]);
      } catch (error) {
        const edit = edits[m];
        if (!(edit && error instanceof ToolkitError && EDIT_MISFITS.has(error.code))) throw error;
        options.onNote?.(`${m} runs as exported (the ${edit.label} edit does not fit: ${error.message})`);
        delete edits[m];
        runner = create(m, settings(m));
        await runner.activate(files[m]);
      }
      opened[m] = runner;
      await probeBeforeTheLoop(runner);
    }
    const variant = options.shapeVariant ?? 'original';
    if (variant !== 'original') {
      const all = opened as Record<TrackerModule, Runner>;
      const { bindings, notes } = trackerShapeBindings(all, options.bank);
      for (const note of notes) options.onNote?.(note);
      for (const m of TRACKER_MODULES) {
        const open = async (binding: ShapeBinding) => {
          const extra = variantSettings(variant, all[m].inputs, binding);
          if (Object.keys(extra).length === 0) return undefined;
          const runner = create(m, { ...settings(m), ...extra });
          stray.push(runner);
          await runner.activate(files[m]);
          await probeBeforeTheLoop(runner, binding);
          return runner;
        };
        if (variant === 'static' && hasOneShape(all[m].inputs)) {
          // One shape only: the specialised model replaces the exported one.
          const runner = await open({ shapes: {}, values: {} });
          if (runner === undefined) continue;
          await all[m].deactivate();
          opened[m] = new ShapeVariantRunner(variant, runner, [], true);
          stray.length = 0;
          continue;
        }
        const bound: BoundRunner[] = [];
        for (const binding of bindings[m] ?? []) {
          const runner = await open(binding);
          if (runner === undefined) options.onNote?.(`${m}: no named dim to pin for ${variant}; runs as exported`);
          else bound.push({ binding, runner });
        }
        opened[m] = new ShapeVariantRunner(variant, all[m], bound);
        stray.length = 0;
      }
    }
  } catch (error) {
    for (const runner of stray) await runner.deactivate();
    await closeModules(opened);
    throw error;
  }
  return opened as Record<TrackerModule, Runner>;
}

/**
 * Whether the tracking loop's ONNX Runtime sessions spin by default: with more than 2 cores (the rule the host
 * worker follows too). On 2 cores, spinning threads compete with the JavaScript thread and with other load.
 */
export function loopSpinsByDefault(): boolean {
  return availableParallelism() > 2;
}

/**
 * Intra-op threads and spinning of one module's session. Given options apply to every stack. By default a stack
 * computing on the host (ort-cpu) gets ONNX Runtime's pool, spinning within runs where the machine has the cores
 * (`loopSpinsByDefault`); a GPU stack's session gets one thread and no spinning: its pool only serves the nodes
 * left on the CPU provider, and with the encoder ahead two sessions run at once, each spinning a pool the size of
 * the machine. On the H200 (real export, fused, pinned, encoder ahead, rounds interleaved) that took the loop from
 * 13.90 to 12.69 ms/frame and its isolated module sum from 17.5 to 15.0 ms.
 */
export function threadSettings(
  computesOnHost: boolean,
  options: Pick<OpenModulesOptions, 'threads' | 'allowSpinning'>,
): Pick<RunnerSettings, 'threads' | 'allowSpinning' | 'stopSpinningAfterRun'> {
  const threads = options.threads ?? (computesOnHost ? undefined : 1);
  return {
    ...(threads === undefined ? {} : { threads }),
    ...spinSettings(options.allowSpinning ?? (computesOnHost && loopSpinsByDefault())),
  };
}

/** Spinning within a run, stopped when it returns; or no spinning. */
function spinSettings(spin: boolean): { allowSpinning: boolean; stopSpinningAfterRun?: boolean } {
  return spin ? { allowSpinning: true, stopSpinningAfterRun: true } : { allowSpinning: false };
}

/**
 * The crash probe checks a runner's first feeds: make those the largest shapes the loop will feed (a full memory
 * bank), before the loop, so that no probe lands in a timed frame and a shape-dependent crash is seen.
 */
export async function probeBeforeTheLoop(runner: Runner, binding?: ShapeBinding): Promise<void> {
  if (!(runner instanceof OrtRunner && runner.crashProbe)) return;
  if (binding === undefined) {
    await runner.infer(await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 0));
    return;
  }
  // A session for one binding gets that binding's shapes and integer values (e.g. num_obj_ptr_tokens): generic
  // values would not fit its graph (the memory's pointer tokens decide a reshape of the rest).
  const resolved = resolveInputShapes(runner.inputs);
  const feeds = await generateFeeds(
    runner.inputs,
    { ...resolved, shapes: { ...resolved.shapes, ...binding.shapes } },
    0,
  );
  const ort = await loadOrt();
  for (const info of runner.inputs) {
    const value = binding.values[info.name];
    if (value !== undefined) feeds[info.name] = intTensor(ort, info.type, [value], info.shape as number[]);
  }
  await runner.infer(feeds);
}

/** What the load-time bakes refuse with: a model whose I/O is not what they rewrite, or baked already. */
const EDIT_MISFITS: ReadonlySet<string> = new Set(['MODULE_MISMATCH', 'BAKE_ALREADY_APPLIED']);

/**
 * memory_encoder's mask input made in the graph from the chosen logits (graph-surgery `bakeMemoryMask`): the
 * resize and sigmoid run on the module's stack instead of the host (`OpenModulesOptions.maskInGraph`).
 */
const MEMORY_MASK_EDIT: ModelEdit = portableEdit({ bake: 'memory-mask' });

/** The layout edit for the map size the mask decoder declares ([1, C, H, W]); undefined when it is not fixed. */
export function featureLayoutEdit(decoderInputs: readonly TensorInfo[]): ModelEdit | undefined {
  const map = decoderInputs.find((i) => i.type === 'float32' && i.shape.length === 4);
  const [, , height, width] = map?.shape ?? [];
  if (typeof height !== 'number' || typeof width !== 'number') return undefined;
  return portableEdit({ bake: 'feature-layout', height, width });
}

export async function closeModules(runners: Partial<Record<TrackerModule, Runner>>): Promise<void> {
  for (const runner of Object.values(runners)) await runner?.deactivate();
}

/** Wraps a runner so the last feeds it was given can be replayed (the isolated measurement uses them). */
export function recordingRunner(runner: Runner, onFeeds: (feeds: Feeds) => void): ModuleRunner {
  return {
    get stack() {
      return runner.stack;
    },
    get capabilities() {
      return runner.capabilities;
    },
    get inputs() {
      return runner.inputs;
    },
    get outputs() {
      return runner.outputs;
    },
    infer(feeds, options) {
      onFeeds(feeds);
      return runner.infer(feeds, options);
    },
    toHost(outputs, options) {
      return runner.toHost(outputs, options);
    },
  };
}
