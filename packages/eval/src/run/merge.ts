import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ToolkitError, writeFileAtomic } from '@tamkit/common';
import { frameCount } from '../lasot/boxes.js';
import { parseBoxText } from '../lasot/text-format.js';
import { type RerunPlan, rerunPlan } from './rerun.js';
import { RUN_MANIFEST_KIND, type RunManifest, type RunSequenceRecord } from './run-lasot.js';
import type { Shard } from './shard.js';

/** Options of `mergeShardOutputs`. */
export interface MergeShardsOptions {
  /** Output folders of the shards (each holds `<sequence>.txt` files and a shard manifest). */
  shardDirs: readonly string[];
  /** Folder that receives the merged result files and `run.json`. */
  outDir: string;
  /** Sequences the merged run should cover (e.g. the split); those without a result are listed as missing. */
  expected?: readonly string[];
  /**
   * Merge even when a shard of the set or an expected sequence is missing (they are listed in the summary).
   * Default false: an incomplete merge is refused before anything is written.
   */
  allowIncomplete?: boolean;
}

/** What a merge did. */
export interface MergeSummary {
  /** Sequences in the merged folder, sorted. */
  sequences: string[];
  /** Expected sequences that no shard produced. */
  missing: string[];
  /** Sequences present in several shards with identical content (kept once). */
  duplicates: string[];
  /** Shards of the set (`i/n`, from the shard manifests) that no folder holds. */
  missingShards: string[];
  /** Shards whose manifest is there but not every sequence assigned to them has a complete result. */
  incompleteShards: string[];
  /** How to rerun just the missing and incomplete shards; `undefined` when none is. */
  rerun: RerunPlan | undefined;
  /** Folders without a run manifest: what they cover cannot be checked. */
  withoutManifest: string[];
  /** The combined manifest written to `<outDir>/run.json`. */
  manifest: RunManifest;
}

async function listResults(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  } catch (error) {
    throw new ToolkitError('SHARD_DIR_UNREADABLE', `Cannot list the shard output ${dir}.`, {
      remedy: 'Pass the --out folder of each shard run.',
      cause: error,
    });
  }
}

async function readManifests(dir: string): Promise<RunManifest[]> {
  const files = (await readdir(dir)).filter((f) => /^run(-shard-\d+-of-\d+)?\.json$/.test(f));
  const manifests: RunManifest[] = [];
  for (const file of files) {
    let parsed: RunManifest;
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as RunManifest;
    } catch (error) {
      throw new ToolkitError('SHARD_MANIFEST_UNREADABLE', `Cannot read the run manifest ${join(dir, file)}.`, {
        remedy: 'Run the shard again (its results are kept and skipped), or delete the broken manifest.',
        cause: error,
      });
    }
    if (parsed.kind === RUN_MANIFEST_KIND) manifests.push(parsed);
  }
  return manifests;
}

/** The shards of the set the manifests belong to that none of them is. */
function findMissingShards(manifests: readonly RunManifest[]): Shard[] {
  const shards = manifests.flatMap((m) => (m.shard ? [m.shard] : []));
  const counts = [...new Set(shards.map((s) => s.count))];
  if (counts.length > 1) {
    throw new ToolkitError(
      'MERGE_MIXED_SHARDS',
      `The folders hold shards of different sets (of ${counts.join(' and ')}).`,
      {
        remedy: 'Merge the shards of one run: all --shard i/n with the same n.',
      },
    );
  }
  const count = counts[0];
  if (count === undefined) return [];
  const present = new Set(shards.map((s) => s.index));
  return Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => !present.has(i))
    .map((index) => ({ index, count }));
}

/** Whether `text` is a result with one box per frame (results are written whole; this guards other tools). */
function isComplete(text: string | undefined, frames: number): boolean {
  if (text === undefined) return false;
  try {
    return frameCount(parseBoxText(text, { source: 'result' })) === frames;
  } catch {
    return false;
  }
}

/** The shards whose manifest assigns them a sequence without a complete result (killed midway, or failed). */
function findIncompleteShards(manifests: readonly RunManifest[], results: ReadonlyMap<string, string>): Shard[] {
  const incomplete = new Map<number, Shard>();
  for (const manifest of manifests) {
    const { shard, assigned } = manifest;
    if (!shard || !assigned) continue;
    if (assigned.some((s) => !isComplete(results.get(s.name), s.frames))) incomplete.set(shard.index, shard);
  }
  // A shard with a complete manifest in one folder and a stale one in another is complete.
  for (const manifest of manifests) {
    const { shard, assigned } = manifest;
    if (shard && assigned?.every((s) => isComplete(results.get(s.name), s.frames))) incomplete.delete(shard.index);
  }
  return [...incomplete.values()].sort((a, b) => a.index - b.index);
}

/** An incomplete merge: `rerun` says what to run again. */
export class MergeIncompleteError extends ToolkitError {
  override readonly name = 'MergeIncompleteError';
  constructor(
    message: string,
    remedy: string,
    readonly rerun: RerunPlan | undefined,
  ) {
    super('MERGE_INCOMPLETE', message, { remedy });
  }
}

/**
 * Combines the outputs of shard runs into one results folder. A sequence found in two shards must have the
 * same content in both (it is then kept once); different content is a conflict and nothing is written.
 * Shard folders are only read.
 */
export async function mergeShardOutputs(options: MergeShardsOptions): Promise<MergeSummary> {
  if (options.shardDirs.length === 0) {
    throw new ToolkitError('MERGE_NOTHING', 'No shard folder to merge.', { remedy: 'Pass one or more shard folders.' });
  }
  const chosen = new Map<string, { dir: string; text: string }>();
  const duplicates = new Set<string>();
  for (const dir of options.shardDirs) {
    for (const file of await listResults(dir)) {
      const name = file.slice(0, -'.txt'.length);
      const text = await readFile(join(dir, file), 'utf8');
      const previous = chosen.get(name);
      if (previous && previous.text !== text) {
        throw new ToolkitError('MERGE_CONFLICT', `${name} differs between ${previous.dir} and ${dir}.`, {
          remedy: 'Keep one of the two result files (delete the other) and merge again.',
        });
      }
      if (previous) duplicates.add(name);
      else chosen.set(name, { dir, text });
    }
  }
  const records = new Map<string, RunSequenceRecord>();
  const perDir = await Promise.all(options.shardDirs.map(readManifests));
  const manifests = perDir.flat();
  const withoutManifest = options.shardDirs.filter((_, i) => perDir[i]!.length === 0);
  const missingShards = findMissingShards(manifests);
  const incompleteShards = findIncompleteShards(
    manifests,
    new Map([...chosen].map(([name, { text }]) => [name, text])),
  );
  const missing = (options.expected ?? []).filter((name) => !chosen.has(name));
  const rerun = rerunPlan([...missingShards, ...incompleteShards], manifests);
  const label = (shards: Shard[]) => shards.map((s) => `${s.index}/${s.count}`).join(', ');
  if (!options.allowIncomplete && (missingShards.length > 0 || incompleteShards.length > 0 || missing.length > 0)) {
    const what = [
      missingShards.length ? `shard ${label(missingShards)} of the set is not among the folders` : '',
      incompleteShards.length ? `shard ${label(incompleteShards)} did not finish every sequence it was given` : '',
      missing.length
        ? `${missing.length} expected sequence(s) have no result: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
    const remedy = rerun
      ? `Rerun just those shards, then merge again:\n${rerun.commands.map((c) => `    ${c}`).join('\n')}${
          rerun.sbatch ? `\n  or, under Slurm:\n    ${rerun.sbatch}` : ''
        }\n  (--allow-incomplete merges what is there.)`
      : 'Pass the output folder of every shard (run the missing ones first), or --allow-incomplete to merge what is there.';
    throw new MergeIncompleteError(`The merge would be incomplete: ${what}. Nothing was written.`, remedy, rerun);
  }
  for (const manifest of manifests) {
    for (const record of manifest.sequences) {
      // A later "tracked" record beats an earlier "skipped" one: it carries the timing.
      if (!records.has(record.name) || record.status === 'tracked') records.set(record.name, record);
    }
  }
  for (const [name, { dir, text }] of chosen) {
    const target = join(options.outDir, `${name}.txt`);
    if (resolve(target) !== resolve(join(dir, `${name}.txt`))) await writeFileAtomic(target, text);
  }
  const sequences = [...chosen.keys()].sort();
  const manifest: RunManifest = {
    kind: RUN_MANIFEST_KIND,
    schemaVersion: 1,
    label: manifests[0]?.label ?? 'tracker',
    datasetRoot: manifests[0]?.datasetRoot ?? '',
    shard: null,
    sequences: sequences.map(
      (name) =>
        records.get(name) ?? { name, frames: chosen.get(name)!.text.trimEnd().split('\n').length, status: 'skipped' },
    ),
  };
  await writeFileAtomic(join(options.outDir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    sequences,
    missing,
    duplicates: [...duplicates].sort(),
    missingShards: missingShards.map((x) => `${x.index}/${x.count}`),
    incompleteShards: incompleteShards.map((x) => `${x.index}/${x.count}`),
    rerun,
    withoutManifest,
    manifest,
  };
}
