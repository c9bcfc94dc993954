import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError, writeFileAtomic } from '@tamkit/common';
import { type Box, boxAt } from '../lasot/boxes.js';
import { framePath, type LasotDataset, type LasotSequence, loadSequence } from '../lasot/dataset.js';
import { resultPath, writeResultFile } from '../lasot/results.js';
import { hasCompleteResult } from './resume.js';
import { type Shard, selectShard, type WeightedSequence } from './shard.js';
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
  /** How to run this again (recorded in the manifest so `track-eval merge` can print the rerun command). */
  rerun?: RunRerunInfo;
  /** How the shard was found (e.g. the `--shard auto` line), recorded in the manifest. */
  shardSource?: string;
}

/** What a manifest records so a missing or incomplete shard can be rerun by hand. */
export interface RunRerunInfo {
  /** The program and arguments of the run without its shard (e.g. `['track-eval', 'lasot', '--root', ...]`). */
  argv: string[];
  /** The batch script the run was submitted with (`sbatch --array=... <script>` reruns some of its tasks). */
  jobScript?: string;
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
  /** `skipped`: this run found a complete result (from an earlier, interrupted run) and kept it. */
  status: 'tracked' | 'skipped';
  /** Wall time of tracking, when tracked (by this run, or by the earlier run a skipped sequence came from). */
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
  /**
   * Every sequence this run or shard is to cover, with its frames (written before tracking starts), so a merge
   * can tell a shard killed midway from a finished one. Absent in manifests of older versions.
   */
  assigned?: WeightedSequence[];
  /** How the shard was found (`--shard auto`). */
  shardSource?: string;
  rerun?: RunRerunInfo;
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
  // Every sequence's frame count weighs the split, so all of them are read even for one shard.
  const all = await Promise.all(dataset.sequences.map(loadSequence));
  const selected = new Set(options.shard ? selectShard(all, options.shard) : all.map((s) => s.name));
  const sequences = all.filter((s) => selected.has(s.name));
  const framesTotal = sequences.reduce((sum, s) => sum + s.frames, 0);
  let framesDone = 0;
  let trackedFrames = 0;
  let trackingMs = 0;
  const records: RunSequenceRecord[] = [];
  const manifestPath = join(options.outDir, manifestName(options.shard));
  // A resumed run keeps what the interrupted one measured for the sequences it does not track again.
  const earlier = await readEarlierRecords(manifestPath);
  const manifest = (): RunManifest => ({
    kind: RUN_MANIFEST_KIND,
    schemaVersion: RUN_MANIFEST_SCHEMA_VERSION,
    label: options.label ?? 'tracker',
    datasetRoot: dataset.root,
    shard: options.shard ?? null,
    assigned: sequences.map((s) => ({ name: s.name, frames: s.frames })),
    ...(options.shardSource === undefined ? {} : { shardSource: options.shardSource }),
    ...(options.rerun === undefined ? {} : { rerun: options.rerun }),
    sequences: records,
  });
  const writeManifest = () => writeFileAtomic(manifestPath, `${JSON.stringify(manifest(), null, 2)}\n`);
  // Before the first frame: a shard killed during its first sequence is then seen by merge as incomplete.
  if (options.shard) await writeManifest();
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
      const before = earlier.get(sequence.name);
      const timing =
        before?.frames === sequence.frames && before.trackMs !== undefined
          ? { trackMs: before.trackMs, ...(before.fps === undefined ? {} : { fps: before.fps }) }
          : {};
      records.push({ name: sequence.name, frames: sequence.frames, status: 'skipped', ...timing });
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
    // After every sequence, so a kill loses no timing of a finished sequence.
    await writeManifest();
  }
  await writeManifest();
  return manifest();
}

/** The records of an earlier run's manifest at `path` (none when there is no such manifest, or not ours). */
async function readEarlierRecords(path: string): Promise<Map<string, RunSequenceRecord>> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<RunManifest>;
    if (parsed.kind !== RUN_MANIFEST_KIND || !Array.isArray(parsed.sequences)) return new Map();
    return new Map(parsed.sequences.map((r) => [r.name, r]));
  } catch {
    return new Map();
  }
}
