import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { formatFlops } from '../inspect/flops.js';
import { ZOO_STYLES, type ZooStyle } from '../zoo/builder/module-builder.js';
import type { ZooSize } from '../zoo/efficienttam/index.js';
import { writeZoo, ZOO_MODELS, type ZooModel } from '../zoo/zoo.js';

export function registerZoo(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'zoo <model>',
    'Generate seeded replicas of a model (same architecture, ONNX structure as PyTorch exports it) plus manifest.json',
    (y) =>
      y
        .positional('model', { choices: ZOO_MODELS, demandOption: true, describe: 'Model to generate' })
        .option('size', {
          choices: ['full', 'tiny'] as const,
          default: 'full' as const,
          describe: 'full: published sizes; tiny: same topology, small widths (unit tests)',
        })
        .option('seed', { type: 'number', default: 0, describe: 'Weight seed (integer); same seed, same bytes' })
        .option('style', {
          choices: ZOO_STYLES,
          default: 'export' as const,
          describe:
            'export: the graphs torch.onnx.export (opset 17) writes, shape arithmetic and placeholder output dims included; clean: the same weights and math, tidier shape arithmetic',
        })
        .option('outliers', {
          type: 'boolean',
          default: false,
          describe: 'Plant trained-ViT-like activation outliers that break FP16 (recorded in the manifest)',
        })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Output folder' })
        .options(jsonOption('Print the manifest as JSON'))
        .example('$0 zoo efficienttam-ti -o zoo/', 'Full-size EfficientTAM-Ti modules, seed 0')
        .example('$0 zoo efficienttam-ti --size tiny --seed 7 -o fixtures/', 'Tiny modules for tests')
        .example('$0 zoo efficienttam-ti --outliers -o zoo-fp16-trap/', 'Modules that overflow in FP16')
        .example('$0 zoo efficienttam-ti --style clean -o zoo-clean/', 'The tidier graphs of earlier zoo versions'),
    async (args) => {
      const started = performance.now();
      const manifest = await writeZoo(args.output, {
        model: args.model as ZooModel,
        size: args.size as ZooSize,
        seed: args.seed,
        outliers: args.outliers,
        style: args.style as ZooStyle,
        onProgress: ({ module, index, count }) => io.err(`[${index + 1}/${count}] building ${module}`),
      });
      io.err(
        `wrote ${manifest.modules.length} modules to ${args.output} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      if (args.json) {
        io.out(JSON.stringify(manifest, null, 2));
        return;
      }
      for (const m of manifest.modules) {
        const planted = m.plantedOutliers.length ? `, ${m.plantedOutliers.length} planted outliers` : '';
        io.out(
          `${m.file}: ${m.parameters.toLocaleString('en-US')} params, ${m.nodes} nodes, ` +
            `${((m.bytes ?? 0) / 1e6).toFixed(1)} MB, ${formatFlops(m.flops.total)}${planted}`,
        );
      }
    },
  );
}
