import type { Argv } from 'yargs';
import type { CliIo } from '../cli-support/index.js';
import { formatSummary, inspectModel } from '../inspect/inspect.js';
import { readModel } from '../onnx/model-io.js';

export function registerInspect(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'inspect <model>',
    'Summarise a model: IR/opsets, inputs/outputs, op histogram, parameters by dtype, external data',
    (y) =>
      y
        .positional('model', { type: 'string', demandOption: true, describe: 'Path to an .onnx file' })
        .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of text' })
        .example('$0 inspect image_encoder.onnx', 'Text summary')
        .example('$0 inspect image_encoder.onnx --json | jq .opHistogram', 'Machine-readable summary'),
    async (args) => {
      // External weights are not needed to describe a model; don't read gigabytes to print a summary.
      const model = await readModel(args.model, { loadExternalData: false });
      const summary = inspectModel(model);
      io.out(args.json ? JSON.stringify(summary, null, 2) : formatSummary(args.model, summary));
    },
  );
}
