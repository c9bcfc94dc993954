import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { FUSIONS, type FusionName, fuseForOrt } from '../passes/fuse/index.js';
import { applyPass, listOption, parseAssignments, passOptions } from './pass-io.js';

export function registerFuse(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'fuse <model>',
    "Fuse GELU, layer norms, residual layer norms and redundant Casts into ONNX Runtime's fused ops (fewer GPU kernels)",
    (y) =>
      passOptions(y)
        .option('fusion', {
          type: 'array',
          string: true,
          choices: FUSIONS,
          describe: `Fusions to apply (default all: ${FUSIONS.join(', ')})`,
        })
        .option('gelu', {
          choices: ['exact', 'fast'] as const,
          default: 'exact' as const,
          describe: 'GELU as com.microsoft Gelu (exact) or FastGelu (tanh approximation, ~1e-3 off)',
        })
        .option('dim', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe:
            'Bind a symbolic input dim for shape inference: NAME=VALUE (repeatable; more layer norms provably fusable)',
        })
        .option('value', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'Value of a small integer input for shape inference: NAME=V[,V...] (repeatable)',
        })
        .option('channels-first-layernorm', {
          type: 'boolean',
          default: true,
          describe: 'Fuse LayerNorm2d (NCHW channels) through NHWC transposes',
        })
        .example('$0 fuse image_encoder.onnx -o image_encoder.fused.onnx', 'every fusion')
        .example('$0 fuse memory_encoder.onnx -o out.onnx --fusion layernorm gelu', 'two fusions only')
        .example('$0 fuse mask_decoder.onnx -o out.onnx --fusion casts', 'redundant Casts only')
        .example(
          '$0 fuse memory_attention.onnx -o out.onnx --dim num_mem_tokens=7232 --value num_obj_ptr_tokens=64',
          'shapes bound so the residual layer norms behind the RoPE split can be proven fusable',
        ),
    (args) =>
      applyPass(
        args,
        io,
        (m) =>
          fuseForOrt(m, {
            ...(args.fusion === undefined ? {} : { fusions: listOption(args.fusion) as FusionName[] }),
            geluForm: args.gelu,
            channelsFirstLayerNorm: args.channelsFirstLayernorm,
            shapeHints: {
              dims: parseAssignments(args.dim, '--dim', 1)[0],
              inputValues: parseAssignments(args.value, '--value')[1],
            },
          }),
        (r) =>
          `fuse: ${Object.entries(r.fused)
            .map(([f, n]) => `${f} ${n}`)
            .join(', ')}; nodes ${r.nodesBefore} -> ${r.nodesAfter}` +
          (r.usesContribOps ? '\nnote: the model now uses com.microsoft ops: it runs on ONNX Runtime only' : ''),
      ),
  );
}
