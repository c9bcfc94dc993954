import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { isDirectory } from '../passes/folder.js';
import { formatSpecializeReport } from '../specialize/report.js';
import { specializeModel } from '../specialize/specialize.js';
import { applyPass, parseAssignments, passOptions } from './pass-io.js';

export function registerSpecialize(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'specialize <model>',
    'Bind input dims (and integer inputs) to fixed sizes, fold the shape arithmetic that becomes constant',
    (y) =>
      passOptions(y)
        .option('dim', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind a symbolic input dim: NAME=SIZE (repeatable; every symbolic dim must be bound)',
        })
        .option('shape', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Bind a whole input shape: INPUT=D0,D1,... (repeatable; fixed dims must match)',
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
        .option('max-fold-elements', {
          type: 'number',
          default: 2 ** 24,
          describe: 'Largest tensor folded, in elements; larger ones keep their node',
        })
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
          '$0 specialize model.onnx -o out.onnx --shape memory=7232,1,64 --json',
          'Bind by input shape, JSON report',
        ),
    async (args) => {
      const shapes = parseAssignments(args.shape, '--shape')[1];
      // Over a folder of modules, one set of bindings serves all: each module takes the ones it has.
      const folder = await isDirectory(args.model);
      const values = parseAssignments(args.value, '--value')[1];
      return applyPass(
        args,
        io,
        (m) =>
          specializeModel(m, {
            dims: parseAssignments(args.dim, '--dim', 1)[0],
            shapes,
            values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])),
            partial: args.partial,
            onnxruntime: args.onnxruntime ? 'auto' : false,
            maxFoldElements: args.maxFoldElements,
            unknownBindings: folder ? 'ignore' : 'error',
          }),
        formatSpecializeReport,
      );
    },
  );
}
