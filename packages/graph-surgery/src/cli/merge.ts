import { assertNotSameFile, checkOutputLocation, UsageError } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { listOption, sayWritten, withOutputDeprecation } from './pass-io.js';

/** INPUT=OUTPUT pairs of --connect, as { input: output }. */
function parseConnections(values: readonly string[]): Record<string, string> {
  const connect: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) {
      throw new UsageError(
        `--connect "${pair}" is not INPUT=OUTPUT`,
        'Name an input of the second model and the output of the first that feeds it, e.g. --connect image_embed=pix_feat_with_mem.',
      );
    }
    connect[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return connect;
}

export function registerMerge(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'merge <first> <second>',
    'Merge two models into one graph: the second reads outputs of the first (one run, no host round trip between them)',
    (y) =>
      withOutputDeprecation(
        y
          .positional('first', { type: 'string', demandOption: true, describe: 'The model that runs first' })
          .positional('second', { type: 'string', demandOption: true, describe: 'The model that reads its outputs' })
          .options(outOption('Output .onnx file (written atomically)', { demandOption: true }))
          .option('connect', {
            type: 'array',
            string: true,
            demandOption: true,
            describe: "INPUT=OUTPUT: the second model's INPUT is the first model's OUTPUT (repeatable)",
          })
          .option('keep-output', {
            type: 'array',
            string: true,
            describe: 'A connected output of the first model that stays a graph output (repeatable)',
          })
          .option('prefix', {
            type: 'string',
            describe: "Prefix for the second model's names that the first also uses (default: its graph name + '/')",
          })
          .options(jsonOption('Print the merge report as JSON'))
          .example(
            '$0 merge attention.onnx mask_decoder.onnx -o attend_decode.onnx --connect image_embed=pix_feat_with_mem',
            'memory_attention (feature layout baked) feeding the mask decoder in one graph',
          ),
        io,
      ),
    async (args) => {
      const connect = parseConnections(listOption(args.connect) ?? []);
      for (const input of [args.first, args.second]) assertNotSameFile(input, args.out);
      await checkOutputLocation(args.out, { flag: '-o' });
      const [{ readModel, writeModel }, { mergeModels }] = await Promise.all([
        import('../onnx/model-io.js'),
        import('../passes/merge.js'),
      ]);
      const [first, second] = await Promise.all([readModel(args.first), readModel(args.second)]);
      const keepOutputs = listOption(args.keepOutput);
      const { model, report } = mergeModels(first, second, {
        connect,
        ...(keepOutputs ? { keepOutputs } : {}),
        ...(args.prefix === undefined ? {} : { prefix: args.prefix }),
      });
      const written = await writeModel(model, args.out);
      const renamed = Object.entries(report.renamedIo).map(([from, to]) => `${from} -> ${to}`);
      io.out(
        args.json
          ? JSON.stringify(report, null, 2)
          : [
              `merge: ${report.connected.map((c) => `${c.input} <- ${c.output}`).join(', ')}; inputs ${report.inputs.join(', ')}; outputs ${report.outputs.join(', ')}`,
              ...(renamed.length ? [`  renamed (the first model uses these names): ${renamed.join(', ')}`] : []),
            ].join('\n'),
      );
      sayWritten(io, written);
    },
  );
}
