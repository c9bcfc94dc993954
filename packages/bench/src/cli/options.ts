import { modelsOption, stackOption, verboseOption } from '@tamkit/common/cli';
import type { Argv, Options } from 'yargs';
import { setOrtLogLevel } from '../stacks/ort/load-ort.js';
import { STACK_NAMES } from '../stacks/registry.js';

/** Option groups shared by bench commands (declared once, reused by run and later by pipeline commands). */
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
  seed: { type: 'number', default: 0, describe: 'Seed of the generated inputs' },
} as const satisfies Record<string, Options>;

export const budgetOptions = {
  iterations: { type: 'number', describe: 'Timed runs per module (instead of --time-ms)' },
  'time-ms': { type: 'number', describe: 'Time budget per module in ms when --iterations is not given', default: 2000 },
  warmup: { type: 'number', default: 10, describe: 'Untimed warm-up runs per module' },
  threads: { type: 'number', describe: 'Intra-op threads of the ONNX Runtime stacks (default: ORT chooses)' },
} as const satisfies Record<string, Options>;

export const outputOptions = {
  json: {
    type: 'string',
    describe: 'Write the BenchReport JSON to FILE (`--json=-` prints it to stdout instead of the table)',
  },
  csv: { type: 'string', describe: 'Write one CSV row per module result to FILE' },
  label: { type: 'string', describe: 'Label stored in the report (e.g. the CI runner name)' },
} as const satisfies Record<string, Options>;

/**
 * `--verbose`: ONNX Runtime's own log lines (warnings, provider loading, graph optimisation) on stderr. Without it
 * ORT logs errors only, process-wide and per session. Registered globally on the CLIs that run sessions.
 */
export function withOrtLogging(cli: Argv): Argv {
  return cli
    .option('verbose', {
      ...verboseOption("Show ONNX Runtime's own log lines (default: errors only)").verbose,
      global: true,
    })
    .middleware((args) => setOrtLogLevel(args.verbose ? 'verbose' : 'error'));
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
