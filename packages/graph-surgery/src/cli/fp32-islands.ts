import { UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { insertFp32Islands } from '../passes/fp32-islands.js';
import { NODE_PATTERNS } from '../patterns/select.js';
import { applyPass, listOption, passOptions } from './pass-io.js';
import { presetArgs, presetOptions, reasonCounts } from './preset-options.js';

export function registerFp32Islands(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'fp32-islands <model>',
    'In an FP16 model, make chosen nodes compute in FP32 (Casts in, Casts out): per-layer precision for TensorRT 11',
    (y) =>
      presetOptions(passOptions(y))
        .option('nodes', { type: 'array', string: true, describe: 'Node names to compute in FP32' })
        .option('pattern', {
          type: 'array',
          string: true,
          choices: NODE_PATTERNS,
          describe:
            'Patterns whose nodes compute in FP32 (mixed: what a real FP16 stack needs: attention scores and softmax, long-reduction values MatMuls, norms); a module without a match is a note',
        })
        .example(
          '$0 fp32-islands zoo-fp16/ -o zoo-mixed/ --pattern mixed',
          'The mixed preset on every module of a folder',
        )
        .example(
          '$0 fp32-islands enc.fp16.onnx -o enc.mixed.onnx --pattern attention-scores layernorm',
          'Attention scores and norms in FP32',
        )
        .example('$0 fp32-islands dec.fp16.onnx -o out.onnx --nodes /transformer/Softmax', 'One node in FP32'),
    (args) => {
      const nodes = listOption(args.nodes);
      const patterns = listOption(args.pattern);
      if (!nodes?.length && !patterns?.length) throw new UsageError('fp32-islands: give --nodes or --pattern');
      return applyPass(
        args,
        io,
        (m) => insertFp32Islands(m, { nodes, patterns, preset: presetArgs(args) }),
        (r) =>
          `fp32-islands: ${r.nodes.length} nodes in FP32${r.nodes.length ? ` (${reasonCounts(r.reasons)})` : ''}, ` +
          `${r.castsIn} Casts in, ${r.castsOut} out, ${r.castsRemoved} cancelled`,
      );
    },
  );
}
