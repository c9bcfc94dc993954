import {
  type CommandIo,
  modelsOption,
  numberOption,
  outOption,
  SEED_RANGE,
  stackOption,
  withDeprecatedFlags,
} from '@tamkit/common/cli';
import type { Argv, Options } from 'yargs';
import { setCrashProbeDefault } from '../stacks/ort/crash-probe-setting.js';
import { setOrtLogLevel } from '../stacks/ort/load-ort.js';
import { STACK_NAMES } from '../stacks/registry.js';

/** Option groups shared by bench commands (declared once, reused by run and pipeline). */
export const stackOptions = stackOption('Stack to run; repeat for several side by side', {
  array: true,
  demandOption: 'Name at least one stack (see `bench list`).',
  choices: STACK_NAMES,
});

export const modelOptions = {
  ...modelsOption('An .onnx file or a directory of .onnx modules (one per module)', {
    demandOption: 'Point --models at an .onnx file or a directory of .onnx modules.',
  }),
  shape: {
    type: 'string',
    array: true,
    default: [] as string[],
    describe: 'Input shape NAME:D0xD1x... for a dynamic input (repeatable); defaults match a full memory bank',
  },
  ...numberOption('seed', 'Seed of the generated inputs', SEED_RANGE, { default: 0 }),
} as const satisfies Record<string, Options>;

export const budgetOptions = {
  ...numberOption('iterations', 'Timed runs per module (instead of --time-ms)', { integer: true, min: 1 }),
  ...numberOption(
    'time-ms',
    'Time budget per module in ms when --iterations is not given',
    { above: 0 },
    { default: 2000 },
  ),
  ...numberOption('warmup', 'Untimed warm-up runs per module', { integer: true, min: 0 }, { default: 10 }),
  ...numberOption('threads', 'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses)', {
    integer: true,
    min: 1,
  }),
  'graph-optimization': {
    choices: ['disabled', 'basic', 'extended', 'all'],
    describe:
      "ONNX Runtime's graph optimisation level (default all); extended leaves out the NCHWc layout transformer, which crashes on some FP16 graphs (ORT 1.30 CPU)",
  },
} as const satisfies Record<string, Options>;

/** --graph-optimization LEVEL, for every command that opens ONNX Runtime sessions. */
export const graphOptimizationOption = { 'graph-optimization': budgetOptions['graph-optimization'] } as const;

/** -o/--out FILE (the report as JSON), --json (the report on stdout), --csv FILE, --label. */
export function reportOutputOptions(csv: string) {
  return {
    ...outOption('Write the BenchReport JSON to this file'),
    json: { type: 'boolean', default: false, describe: 'Print the BenchReport JSON on stdout instead of the table' },
    csv: { type: 'string', describe: csv },
    label: { type: 'string', describe: 'Label stored in the report (e.g. the CI runner name)' },
  } as const satisfies Record<string, Options>;
}

/**
 * bench run and bench pipeline took `--json FILE` (and `--json=-` for stdout) where every other tamkit command
 * has a `--json` switch and `-o/--out FILE` (so did `bench profile`). For one release the old form still works:
 * `--json FILE` becomes `--out FILE` and `--json=-` becomes `--json`, with a note. Rewritten before parsing,
 * because the same flag changed type. `compare`, `list` and `cuda` always had the switch and are left alone.
 */
export function rewriteLegacyJsonFile(argv: readonly string[], io: CommandIo): string[] {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command === 'compare' || command === 'list' || command === 'cuda') return [...argv];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    let value: string | undefined;
    if (a.startsWith('--json=')) value = a.slice('--json='.length);
    else if (a === '--json' && next !== undefined && !next.startsWith('-') && next !== 'true' && next !== 'false') {
      value = next;
      i++;
    } else if (a === '--json' && next === '-') {
      value = '-';
      i++;
    }
    if (value === undefined || value === 'true' || value === 'false') {
      out.push(a);
      continue;
    }
    if (value === '-') {
      out.push('--json');
      io.err('note: --json=- is deprecated and will be removed in the next release; use --json (a switch)');
    } else {
      out.push('--out', value);
      io.err(
        `note: --json FILE is deprecated and will be removed in the next release; use --out ${value} (--json now prints the report on stdout)`,
      );
    }
  }
  return out;
}

/** The old spelling of a size flag that became --video-size (same WxH order). */
export function withVideoSizeDeprecation<T>(y: Argv<T>, io: CommandIo): Argv<T> {
  return withDeprecatedFlags(y, io, [{ flag: 'frame-size', replacement: 'video-size', hint: '--video-size WxH' }]);
}

/**
 * With `-v/--verbose`, ONNX Runtime's own log lines (warnings, provider loading, graph optimisation) go to stderr
 * too; otherwise ORT logs errors only, process-wide and per session. For the CLIs that run sessions.
 */
export function withOrtLogging(cli: Argv): Argv {
  return cli.middleware((args) => setOrtLogLevel(args.verbose ? 'verbose' : 'error'));
}

/**
 * `--no-crash-probe`: by default the CLIs run each ort-cpu module once in a child process before running it here,
 * so a native crash of ONNX Runtime is a typed error naming the module, the stack and the op (exit code 6), not
 * the end of the CLI; verdicts are cached, so the cost is paid once per model, options and shapes.
 */
export function withCrashProbe(cli: Argv): Argv {
  return cli
    .option('crash-probe', {
      type: 'boolean',
      default: true,
      global: true,
      describe:
        'Run each ort-cpu module once in a child process first, so a native ONNX Runtime crash is a typed error (cached per model, options and shapes); --no-crash-probe skips it',
    })
    .middleware((args) => setCrashProbeDefault(args.crashProbe !== false));
}

/**
 * `--no-tf32`: FP32 MatMul and Conv on the CUDA provider in full FP32. onnxruntime-node cannot pass the CUDA
 * provider's `use_tf32` option (it passes only the device id), so this sets NVIDIA's process-wide switch,
 * `NVIDIA_TF32_OVERRIDE=0`, which cuBLAS and cuDNN read when the first CUDA session creates their handles (and the
 * provider probe's child process inherits). For comparisons of FP32 ort-cuda against ort-cpu.
 */
export function withCudaMath(cli: Argv): Argv {
  return cli
    .option('tf32', {
      type: 'boolean',
      default: true,
      global: true,
      describe:
        'Let the CUDA provider use TF32 for FP32 MatMul/Conv (its default); --no-tf32 sets NVIDIA_TF32_OVERRIDE=0',
    })
    .middleware((args) => {
      if (args.tf32 === false) process.env.NVIDIA_TF32_OVERRIDE = '0';
    });
}

/** `--plan FILE|DIR`: run and pipeline run each module at its precision plan. */
export const planOption = {
  plan: {
    type: 'string',
    describe:
      'Precision plan for every module (a plan file), or a folder of <module>.plan.json (track-eval bisect --plan-dir): ort-* stacks run the plan applied to the model, trt-* stacks build their engines from it',
  },
} as const satisfies Record<string, Options>;

/**
 * `--shapes original|pinned|static`, repeatable: how models with symbolic dims run (stacks/shape-variant.ts).
 * Default `original` alone; several variants of one module run interleaved, one result each.
 */
export const shapesOption = {
  shapes: {
    choices: ['original', 'pinned', 'static'] as const,
    array: true,
    default: ['original' as const],
    describe:
      'Shape variant (repeat for several, measured interleaved, one result each): original (as exported), pinned (ONNX Runtime freeDimensionOverrides at the shapes run), static (graph-surgery specialize to those shapes and integer inputs, in process)',
  },
} as const satisfies Record<string, Options>;
