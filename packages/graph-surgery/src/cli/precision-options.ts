/**
 * "Keep these nodes FP32", one flag set for every precision command (fp16, bf16, emulate-fp16, fp32-islands):
 * `--fp32-ops` (op types), `--fp32-nodes` (node names), `--fp32-patterns` (named patterns). The old spellings
 * (`--block-ops`, `--block-nodes`, `--except`, `--except-pattern`, `--nodes`, `--pattern`) work for one more
 * release.
 */
import type { CommandIo, DeprecatedFlag } from '@tamkit/common/cli';
import { withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { ModelProto } from '../onnx/types.js';
import type { LowPrecisionOptions, LowPrecisionReport } from '../passes/support/low-precision.js';
import { NODE_PATTERNS } from '../patterns/pattern-names.js';
import { listOption } from './pass-io.js';

/** The parsed keep-FP32 flags. */
export interface Fp32Args {
  fp32Ops?: (string | number)[];
  fp32Nodes?: (string | number)[];
  fp32Patterns?: string[];
}

/** --fp32-ops, --fp32-nodes, --fp32-patterns; `old` lists the command's former spellings. */
export function fp32Options<T>(y: Argv<T>, io: CommandIo, what: string, old: readonly DeprecatedFlag[] = []) {
  const cli = y
    .option('fp32-ops', {
      type: 'array',
      string: true,
      describe: `Op types whose nodes ${what} (repeatable or comma separated, e.g. Softmax,Resize)`,
    })
    .option('fp32-nodes', {
      type: 'array',
      string: true,
      describe: `Node names (If/Loop/Scan body nodes too) that ${what}`,
    })
    .option('fp32-patterns', {
      type: 'array',
      string: true,
      choices: NODE_PATTERNS,
      describe: `Named patterns whose nodes ${what}`,
    });
  return withDeprecatedFlags(cli, io, old);
}

/** The old flag of an array option, for `fp32Options`' deprecations. */
export const oldList = (flag: string, replacement: string): DeprecatedFlag => ({
  flag,
  replacement,
  option: { type: 'array', string: true },
});

/**
 * Loads what --fp32-patterns needs (the pattern finders) and returns the sync resolver of node names from
 * --fp32-nodes, --fp32-ops (main-graph nodes of those op types) and --fp32-patterns for one model.
 */
export async function loadFp32NodeNames(args: Fp32Args): Promise<(model: ModelProto) => string[]> {
  const patterns = listOption(args.fp32Patterns) ?? [];
  const select = patterns.length > 0 ? await import('../patterns/select.js') : undefined;
  return (model) => {
    const names = new Set(listOption(args.fp32Nodes) ?? []);
    const ops = new Set(listOption(args.fp32Ops) ?? []);
    const graph = model.graph;
    if (graph && ops.size > 0) for (const n of graph.node) if (n.name && ops.has(n.opType ?? '')) names.add(n.name);
    if (graph && select) for (const p of patterns) for (const n of select.nodeNamesOfPattern(graph, p)) names.add(n);
    return [...names];
  };
}

/** The library options of fp16/bf16 from --keep-io-types and the keep-FP32 flags (patterns resolved per model). */
export async function loadLowPrecisionArgs(
  args: Fp32Args & { keepIoTypes: boolean; convertAll: boolean },
): Promise<(model: ModelProto) => LowPrecisionOptions> {
  const names = await loadFp32NodeNames({ fp32Nodes: args.fp32Nodes, fp32Patterns: args.fp32Patterns });
  return (model) => ({
    keepIoTypes: args.keepIoTypes,
    blockOps: listOption(args.fp32Ops),
    blockNodes: args.fp32Patterns?.length ? names(model) : listOption(args.fp32Nodes),
    convertAll: args.convertAll,
  });
}

/** One-line summary of a conversion report. */
export function lowPrecisionSummary(label: string, r: LowPrecisionReport): string {
  return (
    `${label}: ${r.initializersConverted} initializers, ${r.constantsConverted} constants, ${r.castsRetargeted} Casts, ` +
    `${r.dtypeFixes.length} dtype fixes, ${r.subgraphsConverted} subgraphs; ${r.blockedNodes} nodes kept FP32 and ` +
    `${r.floatOnlyNodes.length} without a ${label.toUpperCase()} form kept FP32 (${r.castsInserted} Casts added, ` +
    `${r.castsRemoved} removed)` +
    r.keptForStacks
      .map((k) => `\nkept FP32 for a stack (--convert-all converts it): ${k.node} (${k.op}): ${k.failures.join('; ')}`)
      .join('')
  );
}
