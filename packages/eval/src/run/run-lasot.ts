import { join } from 'node:path';
import { ToolkitError, writeFileAtomic } from '@tamkit/common';
import { type Box, boxAt } from '../lasot/boxes.js';
import { framePath, type LasotDataset, type LasotSequence, loadSequence } from '../lasot/dataset.js';
import { resultPath, writeResultFile } from '../lasot/results.js';
import { hasCompleteResult } from './resume.js';
import { type Shard, selectShard } from './shard.js';
import type { SequenceTracker } from './tracker.js';

export const RUN_MANIFEST_KIND = 'tamkit-lasot-run' as const;
export const RUN_MANIFEST_SCHEMA_VERSION = 1 as const;

/** Options of `runLasot`. */
export interface RunLasotOptions {
  /** Folder that receives `<sequence>.txt` result files and the run manifest. */
  outDir: string;
  /** Run only this shard of the sequences (see `selectShard`). Default: all of them. */
  shard?: Shard;
  /** Skip sequences whose result file is already complete. Default `true`. */
  resume?: boolean;
  /** Name of the tracker or stack, recorded in the manifest. Default `tracker`. */
  label?: string;
  /** Stops the run between frames; finished sequences keep their result files. */
  signal?: AbortSignal;
  /** Clock in milliseconds. Default `performance.now`. */
  now?: () => number;
}

/** Progress of a run, reported after every frame and every skipped sequence. */
export interface RunProgress {
  sequence: string;
  /** 0-based position of the sequence in this shard. */
  sequenceIndex: number;
  sequenceCount: number;
  /** Frames finished in the current sequence. */
  frame: number;
  frames: number;
  /** Frames finished (tracked or skipped) over the whole shard. */
  framesDone: number;
  framesTotal: number;
  elapsedMs: number;
  /** Estimated time left from the tracking rate so far; `undefined` before the first tracked frame. */
  etaMs: number | undefined;
  /** True when the sequence was skipped because its result was complete. */
  skipped: boolean;
}

/** One sequence's outcome in a run manifest. */
export interface RunSequenceRecord {
  name: string;
  frames: number;
  status: 'tracked' | 'skipped';
  /** Wall time of tracking, when tracked. */
  trackMs?: number;
  fps?: number;
}

/** What a run (or one shard of it) did; written as `run.json` or `run-shard-<i>-of-<n>.json`. */
export interface RunManifest {
  kind: typeof RUN_MANIFEST_KIND;
  schemaVersion: typeof RUN_MANIFEST_SCHEMA_VERSION;
  label: string;
  datasetRoot: string;
  shard: Shard | null;
  sequences: RunSequenceRecord[];
}

/** The manifest file name of a run or shard. */
export function manifestName(shard: Shard | null | undefined): string {
  return shard ? `run-shard-${shard.index}-of-${shard.count}.json` : 'run.json';
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new ToolkitError('RUN_ABORTED', 'The LaSOT run was stopped; finished sequences kept their results.', {
      remedy: 'Run the same command again: finished sequences are skipped.',
    });
  }
}

async function trackSequence(
  sequence: LasotSequence,
  tracker: SequenceTracker,
  options: RunLasotOptions,
  report: (frame: number) => void,
): Promise<Float64Array> {
  const boxes = new Float64Array(sequence.frames * 4);
  const initBox: Box = boxAt(sequence.groundTruth, 0);
  const frame = (i: number) => (i < sequence.frames ? { index: i, path: framePath(sequence, i) } : undefined);
  const first = await tracker.init(frame(0)!, initBox, frame(1));
  boxes.set(first?.box ?? initBox, 0);
  report(1);
  for (let i = 1; i < sequence.frames; i++) {
    checkAborted(options.signal);
    const output = await tracker.track(frame(i)!, frame(i + 1));
    boxes.set(output.box, i * 4);
    report(i + 1);
  }
  return boxes;
}

/**
 * Runs a tracker over a LaSOT dataset (or one shard of it), prompted with each sequence's first ground-truth
 * box, and writes one result file per sequence atomically as soon as the sequence is done, so an interrupted run
 * resumes where it stopped. Returns (and writes) the run manifest.
 */
export async function runLasot(
  dataset: LasotDataset,
  tracker: SequenceTracker,
  options: RunLasotOptions,
  onProgress?: (progress: RunProgress) => void,
): Promise<RunManifest> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const names = dataset.sequences.map((s) => s.name);
  const selected = new Set(options.shard ? selectShard(names, options.shard) : names);
  const sequences = await Promise.all(dataset.sequences.filter((s) => selected.has(s.name)).map(loadSequence));
  const framesTotal = sequences.reduce((sum, s) => sum + s.frames, 0);
  let framesDone = 0;
  let trackedFrames = 0;
  let trackingMs = 0;
  const records: RunSequenceRecord[] = [];
  for (const [sequenceIndex, sequence] of sequences.entries()) {
    checkAborted(options.signal);
    const progress = (frame: number, skipped: boolean): RunProgress => {
      const left = framesTotal - framesDone;
      return {
        sequence: sequence.name,
        sequenceIndex,
        sequenceCount: sequences.length,
        frame,
        frames: sequence.frames,
        framesDone,
        framesTotal,
        elapsedMs: now() - started,
        etaMs: trackedFrames > 0 ? (left * trackingMs) / trackedFrames : undefined,
        skipped,
      };
    };
    if ((options.resume ?? true) && (await hasCompleteResult(options.outDir, sequence.name, sequence.frames))) {
      framesDone += sequence.frames;
      records.push({ name: sequence.name, frames: sequence.frames, status: 'skipped' });
      onProgress?.(progress(sequence.frames, true));
      continue;
    }
    const sequenceStart = now();
    let last = sequenceStart;
    const boxes = await trackSequence(sequence, tracker, options, (frame) => {
      const t = now();
      framesDone++;
      trackedFrames++;
      trackingMs += t - last;
      last = t;
      onProgress?.(progress(frame, false));
    });
    await writeResultFile(resultPath(options.outDir, sequence.name), boxes);
    const trackMs = now() - sequenceStart;
    records.push({
      name: sequence.name,
      frames: sequence.frames,
      status: 'tracked',
      trackMs,
      fps: trackMs > 0 ? (sequence.frames * 1000) / trackMs : undefined,
    });
  }
  const manifest: RunManifest = {
    kind: RUN_MANIFEST_KIND,
    schemaVersion: RUN_MANIFEST_SCHEMA_VERSION,
    label: options.label ?? 'tracker',
    datasetRoot: dataset.root,
    shard: options.shard ?? null,
    sequences: records,
  };
  await writeFileAtomic(join(options.outDir, manifestName(options.shard)), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
