import { type BenchReport, moduleShapes, recommendAssignment } from '../report/index.js';

/**
 * With two or more stacks measured: the fastest stack per module and its predicted per-frame module time; with
 * several shape variants, one such line per variant (variants are never mixed in one assignment).
 */
export function formatRecommendation(report: BenchReport, allowPartialPlacement: boolean): string {
  if (new Set(report.modules.map((m) => m.stack)).size < 2) return '';
  const variants = [...new Set(report.modules.map(moduleShapes))];
  return variants
    .map((shapes) => {
      try {
        const rec = recommendAssignment(report, { allowPartialPlacement, shapes });
        const assignment = Object.entries(rec.assignment).map(([module, stack]) => `${module}=${stack}`);
        const single = rec.singleStack[0];
        const which = variants.length > 1 ? ` (shapes ${shapes})` : '';
        return (
          `\nfastest per module${which}: ${assignment.join(',')}: ${rec.predictedFrameMs.toFixed(2)} ms per frame` +
          (single === undefined
            ? ''
            : ` (best single stack ${single.stack}: ${single.predictedFrameMs.toFixed(2)} ms)`) +
          `\n  ${rec.caveats.join('\n  ')}\n`
        );
      } catch {
        // No module has a fully placed result on every stack: nothing fair to recommend; the table says why.
        return '';
      }
    })
    .join('');
}
