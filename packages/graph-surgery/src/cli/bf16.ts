import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { convertToBfloat16 } from '../passes/bf16.js';
import { applyPass, passOptions } from './pass-io.js';
import { lowPrecisionArgs, lowPrecisionOptions, lowPrecisionSummary } from './precision-options.js';

export function registerBf16(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'bf16 <model>',
    'Convert an FP32 model to native BF16 (for TensorRT 11, where the graph types are the precision); ops with no BF16 form at the model opset stay FP32 behind Casts',
    (y) =>
      lowPrecisionOptions(passOptions(y), 'BF16')
        .example('$0 bf16 encoder.onnx -o encoder.bf16.onnx', 'Native BF16, BF16 I/O')
        .example(
          '$0 bf16 encoder.onnx -o out.onnx --keep-io-types --block-nodes /blocks.0/attn/Softmax',
          'FP32 I/O, one Softmax in FP32',
        )
        .example('$0 bf16 encoder.onnx -o out.onnx --json', 'Print the report (floatOnlyNodes: ops kept FP32) as JSON'),
    (args) =>
      applyPass(
        args,
        io,
        (m) => convertToBfloat16(m, lowPrecisionArgs(args)),
        (r) => lowPrecisionSummary('bf16', r),
      ),
  );
}
