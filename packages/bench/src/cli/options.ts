import { modelsOption, stackOption } from '@tamkit/common/cli';
import type { Options } from 'yargs';
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
