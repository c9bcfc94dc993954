import { assertNotSameFile, UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { readModel, type WriteModelOptions, writeModel } from '../onnx/model-io.js';
import { describeWrite } from './pass-io.js';

export function registerConvert(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'convert <input>',
    'Copy a model losslessly, moving tensor data between the .onnx file and an external data file',
    (y) =>
      y
        .positional('input', { type: 'string', demandOption: true, describe: 'Input .onnx file' })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Output .onnx file' })
        .option('external-data', {
          type: 'string',
          describe:
            'Store tensors in an external file next to the output, named after this one with a content hash inserted (out.data -> out.<hash>.data)',
        })
        .option('size-threshold', {
          type: 'number',
          default: 1024,
          describe: 'With --external-data: tensors of at least this many bytes go external',
        })
        .option('embed', { type: 'boolean', default: false, describe: 'Embed all external data in the .onnx file' })
        .example('$0 convert model.onnx -o copy.onnx', 'Lossless copy (external data stays external)')
        .example('$0 convert big.onnx -o out.onnx --external-data out.data', 'Move weights to out.data')
        .example('$0 convert split.onnx -o whole.onnx --embed', 'Embed external data (models under 2 GiB)'),
    async (args) => {
      if (args.embed && args.externalData) throw new UsageError('--embed and --external-data contradict each other');
      assertNotSameFile(args.input, args.output);
      const model = await readModel(args.input);
      let mode: WriteModelOptions['externalData'] = 'preserve';
      if (args.embed) mode = 'embed';
      else if (args.externalData) mode = { location: args.externalData, sizeThreshold: args.sizeThreshold };
      io.out(describeWrite(await writeModel(model, args.output, { externalData: mode })));
    },
  );
}
