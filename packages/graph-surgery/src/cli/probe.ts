import { UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { probeTensors } from '../passes/probe.js';
import { NODE_PATTERNS } from '../patterns/select.js';
import { applyPass, listOption, passOptions } from './pass-io.js';

export function registerProbe(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'probe <model>',
    'Expose intermediate tensors as extra graph outputs (to read them, or to stop fusion across them)',
    (y) =>
      passOptions(y)
        .option('tensors', { type: 'array', string: true, describe: 'Tensor names to expose' })
        .option('pattern', { type: 'string', choices: NODE_PATTERNS, describe: 'Expose the key tensors of a pattern' })
        .example(
          '$0 probe enc.onnx -o probed.onnx --pattern attention-scores',
          'Every attention logits/probabilities tensor',
        )
        .example('$0 probe enc.onnx -o probed.onnx --tensors /blocks.0/attn/Softmax_output_0', 'One tensor'),
    (args) => {
      const tensors = listOption(args.tensors);
      if (!tensors?.length && !args.pattern) throw new UsageError('probe: give --tensors or --pattern');
      return applyPass(
        args,
        io,
        (m) => probeTensors(m, { tensors, pattern: args.pattern }),
        (r) =>
          `probe: ${r.probes.length} tensors exposed` +
          (r.alreadyOutputs.length ? ` (${r.alreadyOutputs.length} were outputs already)` : ''),
      );
    },
  );
}
