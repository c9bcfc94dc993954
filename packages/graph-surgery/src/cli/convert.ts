import { assertNotSameFile, checkOutputLocation, readRegularFile, UsageError } from '@tamkit/common';
import { type CommandIo, numberOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { WriteModelOptions } from '../onnx/model-io.js';
import { sayWritten, withOutputDeprecation } from './pass-io.js';

export function registerConvert(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'convert <input>',
    'Copy a model losslessly, moving tensor data between the .onnx file and an external data file',
    (y) =>
      withOutputDeprecation(
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'Input .onnx file' })
          .options(outOption('Output .onnx file', { demandOption: true }))
          .option('external-data', {
            type: 'string',
            describe:
              'Store tensors in an external file next to the output, named after this one with a content hash inserted (out.data -> out.<hash>.data)',
          })
          .options(
            numberOption(
              'size-threshold',
              'With --external-data: tensors of at least this many bytes go external',
              { integer: true, min: 0 },
              { default: 1024 },
            ),
          )
          .option('embed', { type: 'boolean', default: false, describe: 'Embed all external data in the .onnx file' })
          .example('$0 convert model.onnx -o copy.onnx', 'Lossless copy (external data stays external)')
          .example('$0 convert big.onnx -o out.onnx --external-data out.data', 'Move weights to out.data')
          .example('$0 convert split.onnx -o whole.onnx --embed', 'Embed external data (models under 2 GiB)'),
        io,
      ),
    async (args) => {
      if (args.embed && args.externalData) throw new UsageError('--embed and --external-data contradict each other');
      assertNotSameFile(args.input, args.out);
      // The input is read (on libuv's thread pool) while the codec's chunk loads and the output location is
      // checked; a bad output is still reported first, as when the check came before the read.
      const loading = Promise.all([import('../onnx/model-io.js'), readRegularFile(args.input, 'ONNX model')]);
      loading.catch(() => undefined);
      await checkOutputLocation(args.out, { flag: '-o' });
      const [{ modelFromFileBytes, writeModel }, bytes] = await loading;
      const model = modelFromFileBytes(bytes, args.input);
      let mode: WriteModelOptions['externalData'] = 'preserve';
      if (args.embed) mode = 'embed';
      else if (args.externalData) mode = { location: args.externalData, sizeThreshold: args.sizeThreshold };
      sayWritten(io, await writeModel(model, args.out, { externalData: mode }));
    },
  );
}
