import type { ModuleResult, PipelineResult } from './schema.js';

/** Milliseconds with precision that suits the magnitude (0.042, 1.23, 12.3, 145). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs >= 100) return ms.toFixed(0);
  if (abs >= 10) return ms.toFixed(1);
  if (abs >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** A ratio (0.052) as a percentage ("5.2%"); `signed` adds "+" to positive values. */
export function formatPercent(ratio: number, signed = false): string {
  if (!Number.isFinite(ratio)) return '-';
  const text = `${(ratio * 100).toFixed(1)}%`;
  return signed && ratio > 0 ? `+${text}` : text;
}

/**
 * The share of kernel time spent on the requested provider, from ORT profiling (undefined when the stack did not
 * report placement). Provider names are compared case-insensitively and with a trailing "ExecutionProvider"
 * dropped, so "webgpu" matches "WebGpuExecutionProvider". When no kernel time was recorded, node counts are used.
 */
export function placementShare(result: ModuleResult): number | undefined {
  const placement = result.placement;
  if (!placement || placement.providers.length === 0) return undefined;
  const wanted = providerKey(placement.requested);
  const totalTime = placement.providers.reduce((sum, p) => sum + p.kernelTimeMs, 0);
  const weigh = totalTime > 0 ? (p: { kernelTimeMs: number }) => p.kernelTimeMs : (p: { nodes: number }) => p.nodes;
  const total = placement.providers.reduce((sum, p) => sum + weigh(p), 0);
  if (total === 0) return undefined;
  const onRequested = placement.providers.filter((p) => providerKey(p.provider) === wanted);
  return onRequested.reduce((sum, p) => sum + weigh(p), 0) / total;
}

function providerKey(name: string): string {
  return name.toLowerCase().replace(/executionprovider$/, '');
}

/**
 * A stable, readable identity for a pipeline: its variant and where its modules ran, e.g. "unbaked [ort-cpu]" or,
 * for a mixed pipeline, the most used stack followed by the exceptions: "unbaked [ort-webgpu; mask_decoder=ort-cpu]".
 * Ties go to the stack first in name order, so the label does not depend on key order.
 */
export function pipelineLabel(pipeline: PipelineResult): string {
  const entries = Object.entries(pipeline.stacks).sort(([a], [b]) => a.localeCompare(b));
  const counts = new Map<string, number>();
  for (const [, stack] of entries) counts.set(stack, (counts.get(stack) ?? 0) + 1);
  const main = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0] ?? '';
  const exceptions = entries.filter(([, stack]) => stack !== main).map(([module, stack]) => `${module}=${stack}`);
  return `${pipeline.variant} [${[main, ...exceptions].join('; ')}]`.replace(' []', '');
}

/** Distinct values in first-seen order. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
