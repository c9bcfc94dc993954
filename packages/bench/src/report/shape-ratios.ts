import { type BenchReport, moduleShapes, type ShapeVariantName } from './schema.js';

/** One variant of one module on one stack against the original of the same module and stack. */
export interface ShapeRatio {
  stack: string;
  module: string;
  shapes: ShapeVariantName;
  p50Ms: number;
  originalP50Ms: number;
  /** p50Ms / originalP50Ms: below 1, the variant is faster. */
  ratio: number;
}

/**
 * The p50 of every non-original shape variant against the original of the same stack and module, in report
 * order (empty when the report ran one variant, or no original).
 */
export function shapeRatios(report: BenchReport): ShapeRatio[] {
  const ratios: ShapeRatio[] = [];
  for (const result of report.modules) {
    const shapes = moduleShapes(result);
    if (shapes === 'original') continue;
    const original = report.modules.find(
      (m) => m.stack === result.stack && m.module === result.module && moduleShapes(m) === 'original',
    );
    if (!original || original.latency.p50Ms <= 0) continue;
    ratios.push({
      stack: result.stack,
      module: result.module,
      shapes,
      p50Ms: result.latency.p50Ms,
      originalP50Ms: original.latency.p50Ms,
      ratio: result.latency.p50Ms / original.latency.p50Ms,
    });
  }
  return ratios;
}
