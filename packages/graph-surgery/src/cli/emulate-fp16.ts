import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { emulateFloat16 } from '../passes/emulate-fp16.js';
import { NODE_PATTERNS } from '../patterns/select.js';
import { applyPass, listOption, passOptions } from './pass-io.js';
import { presetArgs, presetOptions } from './preset-options.js';

export function registerEmulateFp16(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'emulate-fp16 <model>',
    'Keep the model FP32 but round every float tensor as FP16 storage would, so FP16 failures show on CPU',
    (y) =>
      presetOptions(passOptions(y))
        .option('except', { type: 'array', string: true, describe: 'Node names or op types computing in FP32' })
        .option('except-pattern', {
          type: 'array',
          string: true,
          choices: NODE_PATTERNS,
          describe:
            'Patterns computing in FP32 (mixed: the preset fp32-islands uses); a module without a match is a note',
        })
        .option('fused-attention', {
          type: 'boolean',
          default: false,
          describe: 'Model fused attention kernels: softmax without max subtraction, FP16 after exp()',
        })
        .option('accumulate', {
          type: 'number',
          describe:
            'Also model FP16 accumulation in MatMuls: sum in chunks of N products, rounding the running sum after each (1 = sequential FP16, as a GPU FP16 kernel sums; slower to run)',
        })
        .option('format', {
          type: 'string',
          choices: ['fp16', 'bf16'] as const,
          default: 'fp16' as const,
          describe: 'Storage format to emulate (bf16: FP32 range, 8-bit precision)',
        })
        .example('$0 emulate-fp16 enc.onnx -o enc.emu.onnx', 'Every float tensor rounded to FP16')
        .example('$0 emulate-fp16 enc.onnx -o enc.bf16emu.onnx --format bf16', 'Every float tensor rounded to BF16')
        .example(
          '$0 emulate-fp16 memory_attention.onnx -o ma.acc.onnx --accumulate 4 --except-pattern mixed',
          'FP16 accumulation modelled too, with the mixed preset in FP32',
        )
        .example(
          '$0 emulate-fp16 enc.onnx -o out.onnx --except-pattern attention-scores layernorm',
          'With FP32 islands',
        ),
    (args) =>
      applyPass(
        args,
        io,
        (m) =>
          emulateFloat16(m, {
            except: listOption(args.except),
            exceptPatterns: listOption(args.exceptPattern),
            preset: presetArgs(args),
            ...(args.accumulate === undefined ? {} : { accumulation: { chunk: args.accumulate } }),
            fusedAttention: args.fusedAttention,
            format: args.format,
          }),
        (r) =>
          `emulate-fp16 (${args.format}): ${r.roundedTensors} tensors and ${r.initializersRounded} initializers rounded; ` +
          `${r.exceptedNodes} nodes in FP32; ${r.fusedSoftmaxes} softmaxes unfused` +
          (args.accumulate === undefined
            ? ''
            : `; FP16 accumulation modelled in ${r.accumulatedMatMuls.length} MatMuls (chunks of ${args.accumulate})`) +
          (r.outOfRange.length
            ? `\nwarning: ${r.outOfRange.length} initializers overflow ${args.format.toUpperCase()}`
            : ''),
      ),
  );
}
