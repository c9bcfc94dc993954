import { UsageError } from '@tamkit/common';
import type { CommandIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { applyPass, listOption, passOptions } from './pass-io.js';
import { fp32Options, loadFp32NodeNames, oldList } from './precision-options.js';
import { presetArgs, presetOptions, reasonCounts } from './preset-options.js';

export function registerFp32Islands(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'fp32-islands <model>',
    'In an FP16 model, make chosen nodes compute in FP32 (Casts in, Casts out): per-layer precision for TensorRT 11',
    (y) =>
      fp32Options(
        presetOptions(passOptions(y, io)),
        io,
        'compute in FP32 (patterns: mixed is what a real FP16 stack needs: attention scores and softmax, long-reduction values MatMuls, norms; a module without a match is a note)',
        [oldList('nodes', 'fp32-nodes'), oldList('pattern', 'fp32-patterns')],
      )
        .example(
          '$0 fp32-islands zoo-fp16/ -o zoo-mixed/ --fp32-patterns mixed',
          'The mixed preset on every module of a folder',
        )
        .example(
          '$0 fp32-islands enc.fp16.onnx -o enc.mixed.onnx --fp32-patterns attention-scores layernorm',
          'Attention scores and norms in FP32',
        )
        .example('$0 fp32-islands dec.fp16.onnx -o out.onnx --fp32-nodes /transformer/Softmax', 'One node in FP32')
        .example('$0 fp32-islands dec.fp16.onnx -o out.onnx --fp32-ops Softmax', 'Every Softmax in FP32'),
    (args) => {
      const patterns = listOption(args.fp32Patterns);
      if (!args.fp32Nodes?.length && !patterns?.length && !args.fp32Ops?.length) {
        throw new UsageError('fp32-islands: give --fp32-nodes, --fp32-ops or --fp32-patterns');
      }
      return applyPass(
        args,
        io,
        async () => {
          const [{ insertFp32Islands }, nodesOf] = await Promise.all([
            import('../passes/fp32-islands.js'),
            // Patterns go to the pass as patterns (it explains them); op types become the nodes of those types.
            loadFp32NodeNames({ fp32Nodes: args.fp32Nodes, fp32Ops: args.fp32Ops }),
          ]);
          return (m) => insertFp32Islands(m, { nodes: nodesOf(m), patterns, preset: presetArgs(args) });
        },
        (r) =>
          `fp32-islands: ${r.nodes.length} nodes in FP32${r.nodes.length ? ` (${reasonCounts(r.reasons)})` : ''}, ` +
          `${r.castsIn} Casts in, ${r.castsOut} out, ${r.castsRemoved} cancelled`,
      );
    },
  );
}
