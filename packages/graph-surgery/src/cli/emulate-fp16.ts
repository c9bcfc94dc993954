import { type CommandIo, numberOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { applyPass, listOption, passOptions } from './pass-io.js';
import { fp32Options, oldList } from './precision-options.js';
import { presetArgs, presetOptions } from './preset-options.js';

export function registerEmulateFp16(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'emulate-fp16 <model>',
    'Keep the model FP32 but round every float tensor as FP16 storage would, so FP16 failures show on CPU',
    (y) =>
      fp32Options(
        presetOptions(passOptions(y, io)),
        io,
        'compute in FP32, not rounded (patterns: mixed is the preset fp32-islands uses; a module without a match is a note)',
        [
          // --except took node names and op types alike; so does the pass, whichever flag names them.
          oldList('except', 'fp32-nodes'),
          oldList('except-pattern', 'fp32-patterns'),
        ],
      )
        .option('fused-attention', {
          type: 'boolean',
          default: false,
          describe: 'Model fused attention kernels: softmax without max subtraction, FP16 after exp()',
        })
        .options(
          numberOption(
            'accumulate',
            'Also model FP16 accumulation in MatMuls: sum in chunks of N products, rounding the running sum after each (1 = sequential FP16, as a GPU FP16 kernel sums; slower to run)',
            { integer: true, min: 1 },
          ),
        )
        .option('format', {
          type: 'string',
          choices: ['fp16', 'bf16'] as const,
          default: 'fp16' as const,
          describe: 'Storage format to emulate (bf16: FP32 range, 8-bit precision)',
        })
        .example('$0 emulate-fp16 enc.onnx -o enc.emu.onnx', 'Every float tensor rounded to FP16')
        .example('$0 emulate-fp16 enc.onnx -o enc.bf16emu.onnx --format bf16', 'Every float tensor rounded to BF16')
        .example(
          '$0 emulate-fp16 memory_attention.onnx -o ma.acc.onnx --accumulate 4 --fp32-patterns mixed',
          'FP16 accumulation modelled too, with the mixed preset in FP32',
        )
        .example(
          '$0 emulate-fp16 enc.onnx -o out.onnx --fp32-patterns attention-scores layernorm',
          'With FP32 islands',
        ),
    (args) =>
      applyPass(
        args,
        io,
        async () => {
          const { emulateFloat16 } = await import('../passes/emulate-fp16.js');
          return (m) =>
            emulateFloat16(m, {
              except: [...(listOption(args.fp32Nodes) ?? []), ...(listOption(args.fp32Ops) ?? [])],
              exceptPatterns: listOption(args.fp32Patterns),
              preset: presetArgs(args),
              ...(args.accumulate === undefined ? {} : { accumulation: { chunk: args.accumulate } }),
              fusedAttention: args.fusedAttention,
              format: args.format,
            });
        },
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
