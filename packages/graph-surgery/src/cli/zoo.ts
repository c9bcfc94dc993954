import { checkOutputLocation } from '@tamkit/common';
import { type CommandIo, displayPath, jsonOption, numberOption, outOption, SEED_RANGE } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { ZooSize } from '../zoo/efficienttam/index.js';
import { ZOO_MODELS, ZOO_SIZES, ZOO_STYLES, type ZooModel, type ZooStyle } from '../zoo/zoo-models.js';
import { withOutputDeprecation } from './pass-io.js';

export function registerZoo(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'zoo <model>',
    'Generate seeded replicas of a model (same architecture, ONNX structure as PyTorch exports it) plus manifest.json',
    (y) =>
      withOutputDeprecation(
        y
          .positional('model', { choices: ZOO_MODELS, demandOption: true, describe: 'Model to generate' })
          .option('size', {
            choices: ZOO_SIZES,
            default: 'full' as const,
            describe: 'full: published sizes; tiny: same topology, small widths (unit tests)',
          })
          .options(numberOption('seed', 'Weight seed; same seed, same bytes', SEED_RANGE, { default: 0 }))
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
          .options(outOption('Output folder (created if missing)', { demandOption: true }))
          .options(jsonOption('Print the manifest as JSON'))
          .example('$0 zoo efficienttam-ti -o zoo/', 'Full-size EfficientTAM-Ti modules, seed 0')
          .example('$0 zoo efficienttam-ti --size tiny --seed 7 -o fixtures/', 'Tiny modules for tests')
          .example('$0 zoo efficienttam-ti --outliers -o zoo-fp16-trap/', 'Modules that overflow in FP16')
          .example('$0 zoo efficienttam-ti --style clean -o zoo-clean/', 'The tidier graphs of earlier zoo versions'),
        io,
      ),
    async (args) => {
      await checkOutputLocation(args.out, { kind: 'folder', flag: '-o' });
      const [{ writeZoo }, { formatFlops }] = await Promise.all([
        import('../zoo/zoo.js'),
        import('../inspect/flops.js'),
      ]);
      const started = performance.now();
      const progress = io.progress('zoo', 4);
      const manifest = await writeZoo(args.out, {
        model: args.model as ZooModel,
        size: args.size as ZooSize,
        seed: args.seed,
        outliers: args.outliers,
        style: args.style as ZooStyle,
        onProgress: ({ module, index, count }) => {
          progress.setTotal(count);
          progress.update(index, `building ${module}`);
        },
      });
      progress.update(manifest.modules.length);
      progress.finish();
      if (args.json) io.out(JSON.stringify(manifest, null, 2));
      else {
        for (const m of manifest.modules) {
          const planted = m.plantedOutliers.length ? `, ${m.plantedOutliers.length} planted outliers` : '';
          io.out(
            `${m.file}: ${m.parameters.toLocaleString('en-US')} params, ${m.nodes} nodes, ` +
              `${((m.bytes ?? 0) / 1e6).toFixed(1)} MB, ${formatFlops(m.flops.total)}${planted}`,
          );
        }
      }
      const mb = manifest.modules.reduce((s, m) => s + (m.bytes ?? 0), 0) / 1e6;
      io.info(
        `wrote ${manifest.modules.length} modules (${mb.toFixed(1)} MB) and manifest.json to ${displayPath(args.out)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    },
  );
}
