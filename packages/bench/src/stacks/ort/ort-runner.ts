import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyPrecisionPlan,
  assertModelFilesReadable,
  encodeModel,
  type PrecisionPlan,
  pinInputDims,
  readModel,
  specializeModel,
} from '@tamkit/graph-surgery';
import type { InferenceSession } from 'onnxruntime-node';
import type { Placement } from '../../report/schema.js';
import { NativeCrashError, StackUnavailableError } from '../errors.js';
import { BaseRunner, type ToHostOptions } from '../runner.js';
import { describeBinding, type ShapeBinding } from '../shape-variant.js';
import type { ModelEdit } from '../stack-definition.js';
import type { Feeds, InferOptions, Outputs, RunnerCapabilities, TensorInfo } from '../types.js';
import { crashProbeModelDigest, probeForCrash } from './crash-probe.js';
import { canEncodeFeeds } from './crash-probe-protocol.js';
import { crashProbeDefault } from './crash-probe-setting.js';
import { downloadDeviceTensor } from './device-download.js';
import { type KernelProfile, type SummariseKernelsOptions, summariseKernels } from './kernel-profile.js';
import { loadOrt, type OrtModule, ortSessionSeverity } from './load-ort.js';
import { ortPackageDir } from './ort-package.js';
import { summarisePlacement } from './placement.js';
import { type OrtProviderSpec, probeOrtProvider } from './probe.js';
import { type OrtProfile, parseOrtProfile } from './profile-trace.js';

/** Options shared by the ONNX Runtime stacks. */
export interface OrtRunnerOptions {
  /** Intra-op threads of CPU kernels. Default: ONNX Runtime's choice (one per physical core). */
  threads?: number;
  /** Graph optimisation level. Default `all`. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Where outputs land: `cpu` (default) or `gpu-buffer`, which keeps them on the device so they can feed the next
   * session of the same provider without a host round trip (WebGPU only; `toHost()` downloads them). A map by
   * output name places each output on its own (e.g. features stay on the GPU, a score comes to the host).
   */
  outputLocation?: OutputLocation | Record<string, OutputLocation>;
  /** GPU index for the CUDA and TensorRT providers. Default 0. */
  deviceId?: number;
  /**
   * Whether intra-op threads spin after a run while waiting for work (`session.intra_op.allow_spinning`).
   * Default: ONNX Runtime's (on). Turn it off when several sessions take turns, as in the tracking loop: each
   * session's spinning pool otherwise competes for the cores with the next session and with host code.
   */
  allowSpinning?: boolean;
  /**
   * Stop the intra-op threads spinning as soon as a run returns (`session.force_spinning_stop`): they spin while the
   * run dispatches op after op, as with `allowSpinning`, but leave the cores to the next session and to host code
   * between runs. Default false (ONNX Runtime's). What the tracking loop uses (see `openModules`).
   */
  stopSpinningAfterRun?: boolean;
  /**
   * A precision plan applied to the model at activation (graph-surgery's `applyPrecisionPlan`): the session runs the
   * typed graph of that plan. Default: the model as it is.
   */
  plan?: PrecisionPlan;
  /**
   * Run the first feeds of each activation once in a child process before this process runs them, so that a
   * native crash inside ONNX Runtime becomes a `NativeCrashError` naming the module, the stack and the crashing node
   * instead of ending the process (see `probeForCrash`). Verdicts are cached on disk. Default: off in the library;
   * the CLIs turn it on for `ort-cpu` (`setCrashProbeDefault`); the GPU stacks stay off (a GPU session in a child
   * costs seconds). Only the first feeds are checked, so that no probe lands inside a timed loop whose shapes
   * change (the tracker's memory bank): callers that know the worst-case shapes infer those first (`openModules`
   * runs the full memory bank).
   */
  crashProbe?: boolean;
  /** Where crash-probe verdicts are cached (default `defaultCrashProbeCacheDir()`). */
  crashProbeCacheDir?: string;
  /**
   * Specialise the model to these input shapes and integer-input values at activation (graph-surgery's
   * `specializeModel`, after the plan if both are given). The session's inputs are then those the specialised
   * graph keeps (values bound leave the inputs).
   */
  specialize?: ShapeBinding;
  /**
   * ONNX Runtime's `freeDimensionOverrides`: symbolic dims by name fixed for the session. onnxruntime-node 1.30
   * does not pass this option to the session (a run with another size is not refused), so the runner does what
   * ORT's FreeDimensionOverrideTransformer does, in the model it loads: graph-surgery's `pinInputDims` (the
   * option is set too, for a binding that honours it).
   */
  freeDimensionOverrides?: Record<string, number>;
  /** Graph edits applied at activation, after the plan (see `RunnerSettings.edits`). */
  edits?: readonly ModelEdit[];
}

export type OutputLocation = 'cpu' | 'gpu-buffer';

/** What distinguishes one ONNX Runtime stack from another; the runner is otherwise the same. */
export interface OrtStackSpec {
  name: string;
  /** One line for `bench list`. */
  description: string;
  provider: OrtProviderSpec;
  /** Whether `outputLocation: 'gpu-buffer'` is allowed (outputs that stay on the device). */
  deviceOutputs: boolean;
  /** Whether the provider computes most FP16 ops in FP32 (see `StackTraits`). */
  computesFp16InFp32: boolean;
  /** Whether the provider's kernels run on the host CPU (see `StackTraits`). */
  computesOnHost: boolean;
  /** See `StackTraits.workerThreads`. */
  workerThreads: boolean;
  /** Caveats reported with every result of this stack. */
  notes: string[];
  /** Whether `crashProbe` is on by default (default false). */
  crashProbeByDefault?: boolean;
}

/** Runs a model through onnxruntime-node on one execution provider. */
export class OrtRunner extends BaseRunner {
  readonly stack: string;
  readonly capabilities: RunnerCapabilities;
  readonly #traits: OrtStackSpec;
  readonly #options: OrtRunnerOptions;
  #ort: OrtModule | undefined;
  #session: InferenceSession | undefined;
  /** The model the sessions load: the file, or the plan's typed graph in memory. */
  #source: string | Uint8Array = '';
  /** The timed session's options, which the crash probe's child uses too. */
  #activeOptions: InferenceSession.SessionOptions = {};
  /** Whether the crash probe has cleared this session (it checks the first feeds only, see `crashProbe`). */
  #probed = false;
  /** The probed model's digest, computed once per activation for both probes. */
  #sourceDigest: Promise<string> | undefined;
  /** What the specialisation folded, for the notes (`nodes 1498 -> 612`). */
  #specialized: string | undefined;

  constructor(traits: OrtStackSpec, options: OrtRunnerOptions = {}) {
    super();
    const locations =
      typeof options.outputLocation === 'object' ? Object.values(options.outputLocation) : [options.outputLocation];
    if (locations.some((l) => l !== undefined && l !== 'cpu') && !traits.deviceOutputs) {
      throw new RangeError(`options.outputLocation: ${traits.name} cannot keep outputs on a device; use 'cpu'`);
    }
    if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
      throw new RangeError(`options.threads must be a positive integer, got ${options.threads}`);
    }
    this.stack = traits.name;
    this.#traits = traits;
    this.#options = options;
    this.capabilities = { inProcess: true, deviceOutputs: traits.deviceOutputs, placement: true, selfTimed: false };
  }

  /**
   * The live ONNX Runtime session while active (undefined otherwise), for measurements that must share it, like
   * the harness-overhead benchmark's bare `session.run` loop. The runner owns it: do not release it.
   */
  get session(): InferenceSession | undefined {
    return this.#session;
  }

  override describeOptions(): Record<string, unknown> {
    return {
      executionProvider: this.#traits.provider.backend,
      graphOptimizationLevel: this.#options.graphOptimizationLevel ?? 'all',
      ...(this.#options.threads === undefined ? {} : { intraOpNumThreads: this.#options.threads }),
      outputLocation: this.#options.outputLocation ?? 'cpu',
      ...(this.#options.deviceId === undefined ? {} : { deviceId: this.#options.deviceId }),
      ...(this.#options.allowSpinning === undefined ? {} : { allowSpinning: this.#options.allowSpinning }),
      ...(this.#options.stopSpinningAfterRun === undefined
        ? {}
        : { stopSpinningAfterRun: this.#options.stopSpinningAfterRun }),
      ...(this.#options.plan === undefined ? {} : { precisionPlan: this.#options.plan }),
      ...(this.#options.specialize === undefined ? {} : { specialize: this.#options.specialize }),
      ...(this.#options.edits === undefined ? {} : { edits: this.#options.edits.map((e) => e.label) }),
      ...(this.#options.freeDimensionOverrides === undefined
        ? {}
        : { freeDimensionOverrides: this.#options.freeDimensionOverrides }),
    };
  }

  /**
   * Whether this runner runs the crash probe (`OrtRunnerOptions.crashProbe`). Not in `describeOptions()`: it does
   * not change what is timed, and `bench compare` pairs controls by equal options.
   */
  get crashProbe(): boolean {
    return this.#crashProbeOn();
  }

  #crashProbeOn(): boolean {
    return this.#options.crashProbe ?? (crashProbeDefault() && (this.#traits.crashProbeByDefault ?? false));
  }

  override notes(): string[] {
    return [...this.#traits.notes, ...(this.#specialized === undefined ? [] : [this.#specialized])];
  }

  #sessionOptions(extra: InferenceSession.SessionOptions = {}): InferenceSession.SessionOptions {
    const { backend } = this.#traits.provider;
    const deviceId = this.#options.deviceId;
    const { allowSpinning, stopSpinningAfterRun } = this.#options;
    // ORT config entries `session.intra_op.allow_spinning` and `session.force_spinning_stop`, only where set.
    const sessionConfig =
      allowSpinning === undefined && stopSpinningAfterRun === undefined
        ? undefined
        : {
            ...(allowSpinning === undefined ? {} : { intra_op: { allow_spinning: allowSpinning ? '1' : '0' } }),
            ...(stopSpinningAfterRun === undefined ? {} : { force_spinning_stop: stopSpinningAfterRun ? '1' : '0' }),
          };
    return {
      executionProviders: [deviceId === undefined ? backend : ({ name: backend, deviceId } as { name: string })],
      graphOptimizationLevel: this.#options.graphOptimizationLevel ?? 'all',
      executionMode: 'sequential',
      ...(this.#options.threads === undefined ? {} : { intraOpNumThreads: this.#options.threads }),
      logSeverityLevel: ortSessionSeverity(),
      ...(this.#options.freeDimensionOverrides === undefined
        ? {}
        : { freeDimensionOverrides: this.#options.freeDimensionOverrides }),
      ...(sessionConfig === undefined ? {} : { extra: { session: sessionConfig } }),
      ...extra,
    };
  }

  protected async activateImpl(modelPath: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
    // ONNX Runtime handed a FIFO (as the model or its external data) would block forever: refuse it first.
    await assertModelFilesReadable(modelPath);
    const availability = await probeOrtProvider(this.#traits.provider);
    if (!availability.available) {
      throw new StackUnavailableError(this.stack, availability.reason, availability.remedy);
    }
    this.#ort = await loadOrt();
    this.#source = await this.#modelSource(modelPath);
    const outputLocation = this.#options.outputLocation ?? 'cpu';
    // A per-output map leaves unnamed outputs on the CPU, ORT's default.
    this.#activeOptions = this.#sessionOptions(
      outputLocation === 'cpu' ? {} : { preferredOutputLocation: outputLocation },
    );
    this.#probed = false;
    this.#sourceDigest = undefined;
    // ONNX Runtime's graph optimisations run while the session is created, and can crash natively too (seen: an
    // FP16 memory_attention at level 'all', ORT 1.30 CPU): probe the creation alone before doing it here.
    if (this.#crashProbeOn()) await this.#probeInChild(modelPath);
    this.#session = await createSession(this.#ort, this.#source, this.#activeOptions);
    return { inputs: tensorInfos(this.#session.inputMetadata), outputs: tensorInfos(this.#session.outputMetadata) };
  }

  /** The crash probe, on the first feeds of this activation (see `OrtRunnerOptions.crashProbe`). */
  protected override async beforeInferImpl(feeds: Feeds): Promise<void> {
    if (this.#probed || !this.#crashProbeOn() || !canEncodeFeeds(feeds)) return;
    await this.#probeInChild(this.modelPath, feeds);
    this.#probed = true;
  }

  /** Creates the session (and runs `feeds` once, when given) in a child; a native crash there is thrown here. */
  async #probeInChild(modelPath: string, feeds?: Feeds): Promise<void> {
    const ortPackage = ortPackageDir();
    if (ortPackage === undefined) return;
    this.#sourceDigest ??= crashProbeModelDigest(this.#source);
    const verdict = await probeForCrash({
      ortPackage,
      ortVersion: this.#ort!.env.versions.node ?? this.#ort!.env.versions.common,
      stack: this.stack,
      source: this.#source,
      modelDigest: await this.#sourceDigest,
      sessionOptions: this.#activeOptions,
      ...(feeds === undefined ? {} : { feeds }),
      ...(this.#options.crashProbeCacheDir === undefined ? {} : { cacheDir: this.#options.crashProbeCacheDir }),
    });
    if (verdict.crashed) {
      const notes = [...verdict.lastWords, ...(verdict.unlocated === undefined ? [] : [verdict.unlocated])];
      throw new NativeCrashError(this.stack, modelPath, verdict.exit, verdict.node, notes, verdict.phase);
    }
  }

  /** The file as it is, or the plan's typed graph and/or the specialised graph, encoded in memory. */
  async #modelSource(modelPath: string): Promise<string | Uint8Array> {
    const { plan, specialize, freeDimensionOverrides: pin, edits = [] } = this.#options;
    if (plan === undefined && specialize === undefined && pin === undefined && edits.length === 0) return modelPath;
    let model = await readModel(modelPath);
    if (plan !== undefined) model = applyPrecisionPlan(model, plan).model;
    for (const edit of edits) model = edit.apply(model);
    if (pin !== undefined) {
      const { model: pinnedModel, pinned } = pinInputDims(model, pin);
      model = pinnedModel;
      this.#specialized = `dims pinned (freeDimensionOverrides, applied to the loaded model): ${pinned.join(', ') || 'none matched'}`;
    }
    if (specialize !== undefined) {
      const { model: specialized, report } = await specializeModel(model, {
        shapes: specialize.shapes,
        values: specialize.values,
      });
      model = specialized;
      const to = describeBinding(specialize);
      this.#specialized = `specialised ${to === '' ? 'as it is (no symbolic input)' : `to ${to}`}: ${report.nodes.before} -> ${report.nodes.after} nodes`;
    }
    return encodeModel(model);
  }

  protected async inferImpl(feeds: Feeds, options: InferOptions): Promise<Outputs> {
    const session = this.#session!;
    return options.outputs === undefined ? session.run(feeds) : session.run(feeds, options.outputs);
  }

  protected override async toHostImpl(outputs: Outputs, options: ToHostOptions): Promise<Outputs> {
    const ort = this.#ort!;
    const host: Outputs = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (tensor.location === 'cpu') {
        host[name] = tensor;
        continue;
      }
      // Not tensor.getData(): it aborts the process in onnxruntime-node 1.30 (see device-download.ts).
      host[name] = await downloadDeviceTensor(ort, tensor);
      if (!options.keepDevice) tensor.dispose();
    }
    return host;
  }

  /** A separate profiled session, so that profiling never perturbs the timed session. */
  async #profileTrace(feeds: Feeds, runs: number): Promise<OrtProfile> {
    const ort = this.#ort!;
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-ort-profile-'));
    try {
      const session = await createSession(
        ort,
        this.#source,
        this.#sessionOptions({ enableProfiling: true, profileFilePrefix: join(dir, 'profile') }),
      );
      try {
        for (let i = 0; i < runs; i += 1) await session.run(feeds);
        await session.endProfiling();
      } finally {
        await session.release();
      }
      const file = (await readdir(dir)).find((f) => f.startsWith('profile') && f.endsWith('.json'));
      if (file === undefined) throw new Error(`ONNX Runtime wrote no profile under ${dir}`);
      return parseOrtProfile(await readFile(join(dir, file), 'utf8'), file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  protected override async profilePlacementImpl(feeds: Feeds, runs: number): Promise<Placement> {
    return summarisePlacement(await this.#profileTrace(feeds, runs), this.#traits.provider.profileName);
  }

  protected override async profileKernelsImpl(
    feeds: Feeds,
    runs: number,
    options: SummariseKernelsOptions,
  ): Promise<KernelProfile> {
    return summariseKernels(await this.#profileTrace(feeds, runs), this.#traits.provider.profileName, options);
  }

  protected async deactivateImpl(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.release();
  }
}

/** A session from a file or from model bytes (ONNX Runtime's two overloads). */
function createSession(
  ort: OrtModule,
  source: string | Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  return typeof source === 'string'
    ? ort.InferenceSession.create(source, options)
    : ort.InferenceSession.create(source, options);
}

function tensorInfos(metadata: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.flatMap((m) =>
    m.isTensor
      ? [{ name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' ? d : String(d))) }]
      : [],
  );
}
