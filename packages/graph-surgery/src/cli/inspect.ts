import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { formatSummary, inspectModel } from '../inspect/inspect.js';
import { readModel } from '../onnx/model-io.js';
import { parseAssignments } from './pass-io.js';

export function registerInspect(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'inspect <model>',
    'Summarise a model: IR/opsets, inputs/outputs, op histogram, parameters by dtype, external data',
    (y) =>
      y
        .positional('model', { type: 'string', demandOption: true, describe: 'Path to an .onnx file' })
        .options(jsonOption())
        .option('dim', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind a symbolic input dim for the FLOP estimate: NAME=VALUE (repeatable; unbound dims count as 1)',
        })
        .option('value', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Value of a small integer input for the FLOP estimate: NAME=V[,V...] (e.g. num_obj_ptr_tokens=64)',
        })
        .example('$0 inspect image_encoder.onnx', 'Text summary')
        .example('$0 inspect image_encoder.onnx --json | jq .opHistogram', 'Machine-readable summary')
        .example(
          '$0 inspect memory_attention.onnx --dim num_mem_tokens=7232 --value num_obj_ptr_tokens=64',
          'FLOPs at 7 memory frames and 16 object pointers',
        ),
    async (args) => {
      // External weights are not needed to describe a model; don't read gigabytes to print a summary.
      const model = await readModel(args.model, { loadExternalData: false });
      const summary = inspectModel(model, {
        flops: {
          dims: parseAssignments(args.dim, '--dim', 1)[0],
          inputValues: parseAssignments(args.value, '--value')[1],
        },
      });
      io.out(args.json ? JSON.stringify(summary, null, 2) : formatSummary(args.model, summary));
    },
  );
}
