/**
 * Each speed lever alone, per module and stack: the FP32 export, each `graph-surgery fuse` fusion alone and all
 * together, native FP16, FP16 with attention/layer-norm FP32 islands, and all fusions + FP16 + islands. For every
 * variant: latency (p50 of `--iterations` runs on realistic inputs), agreement with the FP32 export on ort-cpu
 * (worst relative L2, mask IoU), and from one ORT trace the node executions per run and what ran off the
 * provider. Written for ort-cuda and ort-webgpu on the GPU machine; runs on ort-cpu anywhere. Results are saved
 * after every variant (a native crash loses only the variant it hit) to `--out` (default reports/levers.json),
 * and a table is printed.
 *
 *   node --conditions=source --import tsx packages/eval/bench/levers.ts --models zoo/ --stack ort-cuda \
 *     [--stack ort-webgpu] [--module memory_attention] [--variant fuse-all] [--iterations 30] [--out FILE]
 * Without --models it generates the full-size zoo (seed 1) in a temporary folder.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  collectEnvironment,
  createRunner,
  getStack,
  type KernelProfile,
  measureRunner,
  readModelSignature,
  resolveInputShapes,
  type StackName,
} from '@tamkit/bench';
import {
  convertToFloat16,
  encodeModel,
  type FuseOptions,
  fuseForOrt,
  insertFp32Islands,
  type ModelProto,
  readModel,
  TRACKER_MODULES,
  type TrackerModule,
  writeZoo,
} from '@tamkit/graph-surgery';
import {
  adaptFeeds,
  buildModuleInputs,
  compareOutputs,
  findModuleFiles,
  hostOutputs,
  runModuleOnStack,
} from '../src/index.js';

type Hints = NonNullable<FuseOptions['shapeHints']>;
type Variant = (model: ModelProto, module: TrackerModule, hints: Hints) => { model: ModelProto; changed: number };

const fused =
  (fusions: FuseOptions['fusions'], extra: Partial<FuseOptions> = {}): Variant =>
  (model, _m, hints) => {
    const { model: out, report } = fuseForOrt(model, { fusions, shapeHints: hints, ...extra });
    return { model: out, changed: Object.values(report.fused).reduce((s, n) => s + (n ?? 0), 0) };
  };
// graph-surgery's `mixed` preset: attention scores and Softmax, the values MatMul where its reduction is long
// (memory attention's 7232 keys), layer norms, in FP32: what a real FP16 stack needs.
const islands = (model: ModelProto, hints: Hints) =>
  insertFp32Islands(model, {
    patterns: ['mixed'],
    preset: {
      ...(hints.dims ? { dims: hints.dims } : {}),
      ...(hints.inputValues ? { inputValues: hints.inputValues } : {}),
    },
  }).model;
const fp16 = (model: ModelProto) => convertToFloat16(model, { keepIoTypes: true, blockOps: ['Resize'] }).model;

/** The levers, each applied alone to the FP32 export (`changed`: sites it touched; 0 means nothing to time). */
const VARIANTS: Record<string, Variant> = {
  fp32: (model) => ({ model, changed: 1 }),
  'fuse-casts': fused(['casts']),
  'fuse-layernorm': fused(['layernorm']),
  'fuse-skip-layernorm': fused(['skip-layernorm']),
  'fuse-gelu': fused(['gelu']),
  'fuse-bias-gelu': fused(['gelu', 'bias-gelu']),
  'fuse-fast-gelu': fused(['gelu', 'bias-gelu'], { geluForm: 'fast' }),
  'fuse-all': fused(undefined),
  fp16: (model) => ({ model: fp16(model), changed: 1 }),
  'fp16-islands': (model, _module, hints) => ({ model: islands(fp16(model), hints), changed: 1 }),
  'fuse-all-fp16-islands': (model, _module, hints) => ({
    model: islands(fp16(fuseForOrt(model, { shapeHints: hints }).model), hints),
    changed: 1,
  }),
};

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    stack: { type: 'string', multiple: true, default: ['ort-cpu'] },
    module: { type: 'string', multiple: true },
    variant: { type: 'string', multiple: true },
    iterations: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    'profile-runs': { type: 'string', default: '5' },
    threads: { type: 'string' },
    size: { type: 'string', default: 'full' },
    out: { type: 'string', default: 'reports/levers.json' },
  },
});
for (const v of args.variant ?? [])
  if (!(v in VARIANTS)) throw new Error(`unknown variant ${v}: ${Object.keys(VARIANTS).join(', ')}`);
const requested = args.stack as StackName[];
// A stack that cannot run here is reported once, not once per variant.
const unavailable: { stack: string; reason: string }[] = [];
const stacks: StackName[] = [];
for (const stack of requested) {
  const availability = await getStack(stack).probe();
  if (availability.available) stacks.push(stack);
  else unavailable.push({ stack, reason: availability.reason });
}
const threads = args.threads === undefined ? undefined : Number(args.threads);
const work = await mkdtemp(join(tmpdir(), 'tamkit-levers-'));
const zoo = args.models ?? join(work, 'zoo');
if (args.models === undefined)
  await writeZoo(zoo, { model: 'efficienttam-ti', size: args.size as 'full' | 'tiny', seed: 1 });
const files = await findModuleFiles(zoo);
const modules = TRACKER_MODULES.filter((m) => files[m] && (!args.module || args.module.includes(m)));
const variants = Object.keys(VARIANTS).filter((v) => !args.variant || args.variant.includes(v));

interface LeverResult {
  stack: string;
  module: string;
  variant: string;
  changed: number;
  p50Ms?: number;
  meanMs?: number;
  /** Against the FP32 export on ort-cpu. */
  worstRelativeL2?: number;
  maskIou?: number;
  kernels?: Pick<KernelProfile, 'nodesPerRun' | 'wallMsPerRun' | 'nodeMsPerRun'> & {
    elsewhereNodesPerRun: number;
    elsewhereMsPerRun: number;
    memcpyPerRun: number;
  };
  skipped?: string;
  error?: string;
}
const results: LeverResult[] = [];
const report = {
  kind: 'tamkit-levers',
  schemaVersion: 1,
  createdAt: new Date().toISOString(),
  options: { stacks, modules, variants, iterations: Number(args.iterations), warmup: Number(args.warmup), threads },
  unavailable,
  environment: {} as Awaited<ReturnType<typeof collectEnvironment>>,
  results,
};
async function save(): Promise<void> {
  await mkdir(dirname(args.out!), { recursive: true });
  report.environment = await collectEnvironment(threads === undefined ? {} : { threads });
  await writeFile(`${args.out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  await rename(`${args.out}.tmp`, args.out!);
}

if (stacks.length === 0) {
  await save();
  for (const u of unavailable) console.log(`unavailable ${u.stack}: ${u.reason}`);
  process.exit(1);
}
// Realistic inputs (a full memory bank for memory attention) from the FP32 chain on ort-cpu, and its outputs.
const { feeds: inputs } = await buildModuleInputs(files, { stack: 'ort-cpu', seed: 1 });
for (const module of modules) {
  const original = await readModel(files[module]!);
  const signature = await readModelSignature(files[module]!);
  const resolved = resolveInputShapes(signature.inputs);
  const dims: Record<string, number> = {};
  for (const input of signature.inputs) {
    for (const [axis, d] of input.shape.entries()) {
      if (typeof d === 'string') dims[d] = resolved.shapes[input.name]![axis]!;
    }
  }
  const scalars = signature.inputs.filter((i) => i.shape.length === 0 && i.type === 'int64');
  const hints: Hints = {
    dims,
    inputValues: Object.fromEntries(scalars.map((i) => [i.name, [resolved.pointerTokens ?? 0]])),
  };
  const feeds = inputs[module]!;
  const reference = (await runModuleOnStack('ort-cpu', files[module]!, feeds)).outputs;
  for (const variant of variants) {
    const made = VARIANTS[variant]!(original, module, hints);
    const path = join(work, `${module}.${variant}.onnx`);
    await writeFile(path, encodeModel(made.model));
    for (const stack of stacks) {
      const result: LeverResult = { stack, module, variant, changed: made.changed };
      results.push(result);
      if (made.changed === 0) {
        result.skipped = 'no site for this lever in this module';
        continue;
      }
      if (variant.includes('fp16') && getStack(stack).computesFp16InFp32) {
        // ORT's CPU provider widens FP16 (nothing to learn) and crashes on a native FP16 memory attention.
        result.skipped = `${stack} computes FP16 in FP32`;
        continue;
      }
      console.error(`${stack} ${module} ${variant}...`);
      const runner = createRunner(stack, (threads === undefined ? {} : { threads }) as never);
      try {
        await runner.activate(path);
        const adapted = await adaptFeeds(feeds, runner.inputs);
        const outputs = await hostOutputs(runner, await runner.infer(adapted));
        const fidelity = compareOutputs(outputs, reference);
        result.worstRelativeL2 = Math.max(...fidelity.map((o) => o.relativeL2Error));
        const iou = fidelity.find((o) => o.maskIou !== undefined)?.maskIou;
        if (iou !== undefined) result.maskIou = iou;
        const timed = await measureRunner(
          runner,
          adapted,
          { warmupIterations: Number(args.warmup), iterations: Number(args.iterations) },
          resolved.shapes,
        );
        result.p50Ms = timed.latency.p50Ms;
        result.meanMs = timed.latency.meanMs;
        const profileRuns = Number(args['profile-runs']);
        if (profileRuns > 0 && runner.capabilities.placement) {
          const k = await runner.profileKernels(adapted, 2 + profileRuns, { skipRuns: 2 });
          result.kernels = {
            nodesPerRun: k.nodesPerRun,
            wallMsPerRun: k.wallMsPerRun,
            nodeMsPerRun: k.nodeMsPerRun,
            elsewhereNodesPerRun: k.elsewhere.reduce((s, o) => s + o.nodesPerRun, 0),
            elsewhereMsPerRun: k.elsewhere.reduce((s, o) => s + o.msPerRun, 0),
            memcpyPerRun: k.memcpy.nodesPerRun,
          };
        }
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
      } finally {
        await runner.deactivate();
      }
      await save();
    }
  }
}
await save();
await rm(work, { recursive: true, force: true });

// One row per module and variant: p50 per stack with the change against FP32 on that stack, and accuracy.
const base = new Map(results.filter((r) => r.variant === 'fp32').map((r) => [`${r.stack}/${r.module}`, r.p50Ms]));
const cell = (r: LeverResult | undefined) => {
  if (r === undefined) return '-';
  if (r.skipped) return 'skip';
  if (r.error) return 'ERROR';
  const b = base.get(`${r.stack}/${r.module}`);
  const delta =
    b && r.p50Ms !== undefined && r.variant !== 'fp32' ? ` (${(((r.p50Ms - b) / b) * 100).toFixed(0)}%)` : '';
  return `${r.p50Ms?.toFixed(2)}${delta} L2 ${r.worstRelativeL2?.toExponential(1)} n ${r.kernels?.nodesPerRun.toFixed(0) ?? '-'}`;
};
console.log(['module', 'variant', ...stacks].join('\t'));
for (const module of modules) {
  for (const variant of variants) {
    const row = stacks.map((s) =>
      cell(results.find((r) => r.stack === s && r.module === module && r.variant === variant)),
    );
    console.log([module, variant, ...row].join('\t'));
  }
}
for (const r of results.filter((x) => x.error)) console.log(`error ${r.stack} ${r.module} ${r.variant}: ${r.error}`);
for (const u of unavailable) console.log(`unavailable ${u.stack}: ${u.reason}`);
console.log(`wrote ${args.out}`);
