import { UsageError } from '@tamkit/common';
import { type CommandIo, numberOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { SpecializeReport } from '../specialize/report.js';
import { applyPass, parseAssignments, passOptions } from './pass-io.js';

/**
 * `--shape NAME:D0xD1x...`, written as bench and engine-builder write shapes; `NAME=D0,D1,...` (this command's
 * first spelling) still works with a note.
 */
function parseShapes(items: readonly string[], io: CommandIo): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  let noted = false;
  for (const item of items) {
    const colon = /^(.+):(\d+(?:x\d+)*)$/.exec(item);
    const comma = /^(.+)=(\d+(?:,\d+)*)$/.exec(item);
    if (colon) shapes[colon[1]!] = colon[2]!.split('x').map(Number);
    else if (comma) {
      shapes[comma[1]!] = comma[2]!.split(',').map(Number);
      if (!noted) io.err(`note: --shape ${item} is deprecated; write ${comma[1]}:${comma[2]!.split(',').join('x')}`);
      noted = true;
    } else {
      throw new UsageError(
        `--shape ${item}: expected NAME:D0xD1x... with whole numbers`,
        'Example: --shape memory:7232x1x64',
      );
    }
  }
  return shapes;
}

export function registerSpecialize(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'specialize <model>',
    'Bind input dims (and integer inputs) to fixed sizes, fold the shape arithmetic that becomes constant',
    (y) =>
      passOptions(y, io)
        .option('dim', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind a symbolic input dim: NAME=SIZE, SIZE >= 1 (repeatable; every symbolic dim must be bound)',
        })
        .option('shape', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind a whole input shape: INPUT:D0xD1x... (repeatable; fixed dims must match)',
        })
        .option('value', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind an integer input to a value: NAME=V[,V...]; it becomes a constant and leaves the inputs',
        })
        .option('partial', {
          type: 'boolean',
          default: false,
          describe: 'Allow symbolic dims to stay unbound (fold only what the bound ones decide)',
        })
        .option('onnxruntime', {
          type: 'boolean',
          default: true,
          describe: 'Fold ops without an exact kernel (Sin, Cos, Resize, ...) with ONNX Runtime CPU if installed',
        })
        .options(
          numberOption(
            'max-fold-elements',
            'Largest tensor folded, in elements; larger ones keep their node',
            { integer: true, min: 1 },
            { default: 2 ** 24 },
          ),
        )
        .example(
          '$0 specialize memory_attention.onnx -o ma.7232.onnx --dim num_mem_tokens=7232 --value num_obj_ptr_tokens=64',
          'A full memory bank: 7 frames and 16 object pointers',
        )
        .example('$0 specialize mask_decoder.onnx -o md.box.onnx --dim num_points=2', 'A box prompt (two points)')
        .example('$0 specialize image_encoder.onnx -o ie.static.onnx', 'Fold the shape arithmetic of a static model')
        .example(
          '$0 specialize zoo/ -o zoo.static/ --dim num_mem_tokens=7232 --dim num_points=1 --value num_obj_ptr_tokens=64',
          "All four modules at the tracker's shapes (each takes the bindings it has)",
        )
        .example(
          '$0 specialize model.onnx -o out.onnx --shape memory:7232x1x64 --json',
          'Bind by input shape, JSON report',
        ),
    async (args) => {
      const shapes = parseShapes(args.shape, io);
      const dims = parseAssignments(args.dim, '--dim', 1, 1)[0];
      const values = parseAssignments(args.value, '--value', Number.NEGATIVE_INFINITY)[1];
      // The report's text comes with the pass's modules, loaded when the command runs.
      let format: (r: SpecializeReport) => string = () => '';
      return applyPass(
        args,
        io,
        async () => {
          const [{ isDirectory }, { specializeModel }, { formatSpecializeReport }] = await Promise.all([
            import('../passes/folder.js'),
            import('../specialize/specialize.js'),
            import('../specialize/report.js'),
          ]);
          format = formatSpecializeReport;
          // Over a folder of modules, one set of bindings serves all: each module takes the ones it has.
          const folder = await isDirectory(args.model);
          return (m) =>
            specializeModel(m, {
              dims,
              shapes,
              values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])),
              partial: args.partial,
              onnxruntime: args.onnxruntime ? 'auto' : false,
              maxFoldElements: args.maxFoldElements,
              unknownBindings: folder ? 'ignore' : 'error',
            });
        },
        (r: SpecializeReport) => format(r),
      );
    },
  );
}
