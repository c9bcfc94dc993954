import type { LogLine } from './common.js';

/** One `[W] * ...` note trtexec prints after its performance summary (samples/common/sampleReporting.cpp). */
export interface PerformanceWarning {
  /**
   * `unstable-gpu-compute`: the coefficient of variation of GPU compute time is over 2.5 %;
   * `enqueue-bound`: median enqueue time is over 80 % of median GPU compute time, so the GPU may idle;
   * `h2d-bound` / `d2h-bound`: transfers take as long as the compute; `multiple-streams`: latencies overlap.
   */
  kind: 'unstable-gpu-compute' | 'enqueue-bound' | 'h2d-bound' | 'd2h-bound' | 'multiple-streams' | 'other';
  /** The note as printed, continuation lines joined with a space. */
  message: string;
  /** For `unstable-gpu-compute`: the coefficient of variation trtexec printed, in percent. */
  coefficientOfVariationPct?: number;
  /** 1-based line of the note's first line. */
  line: number;
}

const KINDS: [RegExp, PerformanceWarning['kind']][] = [
  [/GPU compute time is unstable/, 'unstable-gpu-compute'],
  [/bound by Enqueue Time/, 'enqueue-bound'],
  [/bound by host-to-device transfers/, 'h2d-bound'],
  [/bound by device-to-host transfers/, 'd2h-bound'],
  [/Multiple inference streams/, 'multiple-streams'],
];

/**
 * The notes of a summary block: each starts with `* ` on a `[W]` line; the indented `[W]` lines after it (the
 * advice, e.g. "locking GPU clock frequency ...") continue it.
 */
export function performanceWarnings(block: readonly LogLine[]): PerformanceWarning[] {
  const warnings: PerformanceWarning[] = [];
  let current: PerformanceWarning | undefined;
  for (const line of block) {
    if (line.severity !== 'W') {
      current = undefined;
      continue;
    }
    if (line.text.startsWith('* ')) {
      const message = line.text.slice(2);
      current = { kind: KINDS.find(([re]) => re.test(message))?.[1] ?? 'other', message, line: line.n };
      const cv = /coefficient of variance = ([\d.eE+-]+)%/.exec(message);
      if (cv) current.coefficientOfVariationPct = Number(cv[1]);
      warnings.push(current);
    } else if (current && line.text.length > 0) {
      current.message += ` ${line.text}`;
    }
  }
  return warnings;
}
