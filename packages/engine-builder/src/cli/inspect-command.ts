import { ExitCode, ToolkitError } from '@tamkit/common';
import { type CliIo, jsonOption } from '@tamkit/common/cli';
import { compileNodePattern, loadPlan, resolvePlan } from '@tamkit/graph-surgery';
import type { Argv } from 'yargs';
import { loadModel } from '../graph-surgery-glue.js';
import { inspectEngine } from '../inspect.js';
import { reportLayerPrecisions } from '../parsers/precision-report.js';
import { withTrtexecOption } from './options.js';
import { renderReport } from './render.js';

/**
 * The FP32-pinned nodes of a plan, for inspection. With the model, the plan is resolved properly; without it,
 * exact names are taken as given and patterns are matched against the ONNX nodes the engine reports.
 */
async function pinnedFromPlan(
  planFile: string,
  modelFile: string | undefined,
  reportedNodes: string[],
): Promise<string[]> {
  const plan = await loadPlan(planFile);
  if (modelFile) {
    const loaded = await loadModel(modelFile, { withData: false });
    return resolvePlan(plan, loaded.graph, loaded.autoPins).fp32Nodes;
  }
  if (plan.pinFp32?.auto?.length) {
    throw new ToolkitError('INSPECT_NEEDS_MODEL', 'The plan uses auto pinning, which needs the model to resolve', {
      remedy: 'Pass --model MODEL.onnx along with --plan.',
    });
  }
  const patterns = (plan.pinFp32?.patterns ?? []).map(compileNodePattern);
  return [
    ...new Set([...(plan.pinFp32?.nodes ?? []), ...reportedNodes.filter((n) => patterns.some((p) => p.test(n)))]),
  ];
}

export function registerInspectCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'inspect <engine>',
    'Show what TensorRT chose per layer (precision, tactic, ONNX nodes) and where FP32 pins were not honoured',
    (y) =>
      withTrtexecOption(y)
        .options(jsonOption())
        .positional('engine', {
          type: 'string',
          demandOption: true,
          describe: 'Engine file, or a layer-information JSON (trtexec --exportLayerInfo)',
        })
        .option('plan', {
          type: 'string',
          describe: 'Precision plan to check against (default: the plan recorded in the cache entry)',
        })
        .option('model', {
          type: 'string',
          describe: 'The ONNX model (resolves plan patterns/auto and ForeignNode ranges)',
        })
        .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 when a pin is not honoured' })
        .example(
          '$0 inspect ~/.cache/tamkit/engines/<key>/engine.plan',
          'Report an engine from the cache against its own plan',
        )
        .example(
          '$0 inspect layers.json --plan mixed.json --model image_encoder.onnx --json',
          'Check exported layer info against a plan',
        ),
    async (argv) => {
      const nodeOrder = argv.model
        ? (await loadModel(argv.model, { withData: false })).graph.nodes.map((n) => n.name)
        : undefined;
      const result = await inspectEngine(argv.engine, {
        ...(argv.trtexec ? { trtexec: argv.trtexec } : {}),
        ...(nodeOrder ? { nodeOrder } : {}),
      });
      let report = result.report;
      if (argv.plan) {
        // Patterns are matched against the nodes the engine reports when no model is given.
        const pinned = await pinnedFromPlan(
          argv.plan,
          argv.model,
          result.info.layers.flatMap((l) => l.onnxNodes),
        );
        report = reportLayerPrecisions(result.info, pinned, nodeOrder);
      }
      if (argv.json)
        io.out(JSON.stringify({ source: result.source, verbosity: result.info.verbosity, ...report }, null, 2));
      else io.out(renderReport(report));
      if (argv.strict && report.findings.length > 0) setExitCode(ExitCode.Failure);
    },
  );
}
