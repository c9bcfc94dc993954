import { type BenchReport, recommendAssignment } from '../report/index.js';

/** With two or more stacks measured: the fastest stack per module and its predicted per-frame module time. */
export function formatRecommendation(report: BenchReport, allowPartialPlacement: boolean): string {
  if (new Set(report.modules.map((m) => m.stack)).size < 2) return '';
  try {
    const rec = recommendAssignment(report, { allowPartialPlacement });
    const assignment = Object.entries(rec.assignment).map(([module, stack]) => `${module}=${stack}`);
    const single = rec.singleStack[0];
    return (
      `\nfastest per module: ${assignment.join(',')}: ${rec.predictedFrameMs.toFixed(2)} ms per frame` +
      (single === undefined ? '' : ` (best single stack ${single.stack}: ${single.predictedFrameMs.toFixed(2)} ms)`) +
      `\n  ${rec.caveats.join('\n  ')}\n`
    );
  } catch {
    // No module has a fully placed result on every stack: nothing fair to recommend; the table says why.
    return '';
  }
}
