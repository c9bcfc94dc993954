import { UsageError } from '@tamkit/common';
import type { CommandIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { applyPass, passOptions } from './pass-io.js';
import { fp32NodeNames, fp32Options, oldList } from './precision-options.js';

export function registerFp32Islands(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'fp32-islands <model>',
    'In an FP16 model, make chosen nodes compute in FP32 (Casts in, Casts out): per-layer precision for TensorRT 11',
    (y) =>
      fp32Options(passOptions(y, io), io, 'compute in FP32', [
        oldList('nodes', 'fp32-nodes'),
        oldList('pattern', 'fp32-patterns'),
      ])
        .example(
          '$0 fp32-islands enc.fp16.onnx -o enc.mixed.onnx --fp32-patterns attention-scores layernorm',
          'Attention scores and norms in FP32',
        )
        .example('$0 fp32-islands dec.fp16.onnx -o out.onnx --fp32-nodes /transformer/Softmax', 'One node in FP32')
        .example('$0 fp32-islands dec.fp16.onnx -o out.onnx --fp32-ops Softmax', 'Every Softmax in FP32'),
    (args) => {
      if (!args.fp32Nodes?.length && !args.fp32Patterns?.length && !args.fp32Ops?.length) {
        throw new UsageError('fp32-islands: give --fp32-nodes, --fp32-ops or --fp32-patterns');
      }
      return applyPass(
        args,
        io,
        async (m) => {
          const { insertFp32Islands } = await import('../passes/fp32-islands.js');
          // Patterns go to the pass as patterns (it reports them); op types become the nodes of those types.
          const nodes = await fp32NodeNames(m, { fp32Nodes: args.fp32Nodes, fp32Ops: args.fp32Ops });
          return insertFp32Islands(m, { nodes, patterns: args.fp32Patterns });
        },
        (r) =>
          `fp32-islands: ${r.nodes.length} nodes in FP32, ${r.castsIn} Casts in, ${r.castsOut} out, ${r.castsRemoved} cancelled`,
      );
    },
  );
}
