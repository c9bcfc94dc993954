/** The option group of the `mixed` preset, shared by fp32-islands and emulate-fp16, and its report summary. */
import type { Argv } from 'yargs';
import { LONG_REDUCTION, type MixedPresetOptions } from '../patterns/mixed-preset.js';
import { parseAssignments } from './pass-io.js';

/** --dim NAME=N, --value NAME=V (repeatable), --long-reduction N. */
export function presetOptions<T>(y: Argv<T>) {
  return y
    .option('dim', {
      type: 'array',
      string: true,
      default: [] as string[],
      describe:
        'mixed preset: bind a symbolic input dim, NAME=N (a values MatMul whose key count follows an unbound dim stays FP32)',
    })
    .option('value', {
      type: 'array',
      string: true,
      default: [] as string[],
      describe: 'mixed preset: the value of a small integer input, NAME=V (integer scalar inputs default to 0)',
    })
    .option('long-reduction', {
      type: 'number',
      default: LONG_REDUCTION,
      describe: 'mixed preset: key count from which an attention-times-values MatMul stays FP32',
    });
}

/** The library options from parsed --dim / --long-reduction. */
export function presetArgs(args: {
  dim: (string | number)[];
  value: (string | number)[];
  longReduction: number;
}): MixedPresetOptions {
  return {
    dims: parseAssignments(args.dim.map(String), '--dim', 1)[0],
    inputValues: parseAssignments(args.value.map(String), '--value')[1],
    longReduction: args.longReduction,
  };
}

/** "12 attention softmax, 4 attention-times-values MatMul, ...": how many nodes each kind of reason kept. */
export function reasonCounts(reasons: Record<string, string>): string {
  const counts = new Map<string, number>();
  for (const reason of Object.values(reasons)) {
    const kind = reason.split(':')[0]!.replace(/ \(.*\)$/, '');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}
