/** The option group and report line the native 16-bit conversion commands (fp16, bf16) share. */
import type { Argv } from 'yargs';
import type { LowPrecisionOptions, LowPrecisionReport } from '../passes/support/low-precision.js';
import { listOption } from './pass-io.js';

/** --keep-io-types, --block-ops, --block-nodes. */
export function lowPrecisionOptions<T>(y: Argv<T>, label: string) {
  return y
    .option('keep-io-types', {
      type: 'boolean',
      default: false,
      describe: 'Keep FP32 inputs/outputs (Casts at the boundary)',
    })
    .option('block-ops', { type: 'array', string: true, describe: 'Op types that stay FP32 (Casts around them)' })
    .option('block-nodes', {
      type: 'array',
      string: true,
      describe: `Node names (If/Loop/Scan body nodes too) that stay FP32 instead of ${label}`,
    })
    .option('convert-all', {
      type: 'boolean',
      default: false,
      describe: `Also convert ops a stack is known to fail on in ${label} (kept FP32 by default, listed in the report)`,
    });
}

/** The library options from parsed --keep-io-types/--block-ops/--block-nodes. */
export function lowPrecisionArgs(args: {
  keepIoTypes: boolean;
  blockOps?: (string | number)[];
  blockNodes?: (string | number)[];
  convertAll: boolean;
}): LowPrecisionOptions {
  return {
    keepIoTypes: args.keepIoTypes,
    blockOps: listOption(args.blockOps),
    blockNodes: listOption(args.blockNodes),
    convertAll: args.convertAll,
  };
}

/** One-line summary of a conversion report. */
export function lowPrecisionSummary(label: string, r: LowPrecisionReport): string {
  return (
    `${label}: ${r.initializersConverted} initializers, ${r.constantsConverted} constants, ${r.castsRetargeted} Casts, ` +
    `${r.dtypeFixes.length} dtype fixes, ${r.subgraphsConverted} subgraphs; ${r.blockedNodes} nodes blocked and ` +
    `${r.floatOnlyNodes.length} without a ${label.toUpperCase()} form kept FP32 (${r.castsInserted} Casts added, ` +
    `${r.castsRemoved} removed)` +
    r.keptForStacks
      .map((k) => `\nkept FP32 for a stack (--convert-all converts it): ${k.node} (${k.op}): ${k.failures.join('; ')}`)
      .join('')
  );
}
