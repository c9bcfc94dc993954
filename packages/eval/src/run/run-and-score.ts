import { openLasotDataset } from '../lasot/dataset.js';
import type { Convention } from '../metrics/convention.js';
import type { LasotScoreReport } from '../report/score-report.js';
import { type RunManifest, type RunProgress, type RunRerunInfo, runLasot } from './run-lasot.js';
import { scoreResults } from './score-results.js';
import type { Shard } from './shard.js';
import type { SequenceTracker } from './tracker.js';

/** Options of `runAndScoreLasot`. */
export interface RunAndScoreOptions {
  /** LaSOT root. */
  root: string;
  /** Sequences to run, in order. Default: every sequence under the root. */
  sequences?: readonly string[];
  /** Results folder. */
  outDir: string;
  shard?: Shard;
  /** Skip sequences whose result is complete. Default `true`. */
  resume?: boolean;
  /** Tracker or stack name in the manifest and the score report. */
  label: string;
  /** Evaluation rules of the score. Default `lasot`. */
  convention?: Convention;
  signal?: AbortSignal;
  /** Recorded in the manifest (see `RunLasotOptions`). */
  rerun?: RunRerunInfo;
  shardSource?: string;
}

/** A run and, when it covers every selected sequence (no shard), its score. */
export interface RunAndScoreResult {
  manifest: RunManifest;
  /** `undefined` for a shard run: shards are scored after `track-eval merge`. */
  score: LasotScoreReport | undefined;
  /** Sequence folders under the root without `groundtruth.txt`, which were neither tracked nor scored. */
  withoutGroundTruth: string[];
}

/** What `track-eval lasot` does once it has a tracker: run (resumable, shardable), then score unsharded runs. */
export async function runAndScoreLasot(
  tracker: SequenceTracker,
  options: RunAndScoreOptions,
  onProgress?: (progress: RunProgress) => void,
): Promise<RunAndScoreResult> {
  const dataset = await openLasotDataset(options.root, { split: options.sequences });
  const manifest = await runLasot(
    dataset,
    tracker,
    {
      outDir: options.outDir,
      shard: options.shard,
      resume: options.resume,
      label: options.label,
      signal: options.signal,
      rerun: options.rerun,
      shardSource: options.shardSource,
    },
    onProgress,
  );
  const { withoutGroundTruth } = dataset;
  if (options.shard) return { manifest, score: undefined, withoutGroundTruth };
  const score = await scoreResults({
    groundTruthRoot: options.root,
    resultsDir: options.outDir,
    split: dataset.sequences.map((s) => s.name),
    convention: options.convention,
    label: options.label,
  });
  return { manifest, score, withoutGroundTruth };
}
