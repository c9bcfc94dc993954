import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@tamkit/graph-surgery';
import { stringify } from 'csv-stringify/sync';
import type { BenchReport } from '../report/schema.js';
import { requestedKernelShare } from '../stacks/ort/placement.js';

// Interim writers for the run command: src/report/ (being written on another branch) owns the CSV format and
// its writers; at merge these calls switch to it and this file goes away.

/** Writes a report file atomically (temp file + rename), creating its directory. */
export async function writeOutputFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, content);
}

/** One row per module result. */
export function reportToCsv(report: BenchReport): string {
  const rows = report.modules.map((m) => ({
    stack: m.stack,
    module: m.module,
    samples: m.latency.samples,
    min_ms: m.latency.minMs,
    mean_ms: m.latency.meanMs,
    p50_ms: m.latency.p50Ms,
    p90_ms: m.latency.p90Ms,
    p99_ms: m.latency.p99Ms,
    max_ms: m.latency.maxMs,
    std_ms: m.latency.stdMs,
    cv: m.latency.cv,
    d2h_p50_ms: m.copies?.d2hMs?.p50Ms ?? '',
    requested_kernel_share: m.placement ? requestedKernelShare(m.placement) : '',
    compute_ops_elsewhere: m.placement?.computeOpsElsewhere.length ?? '',
    model_sha256: m.modelSha256,
    notes: m.notes.join(' | '),
  }));
  return stringify(rows, { header: true });
}
