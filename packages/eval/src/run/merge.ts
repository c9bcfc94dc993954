import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ToolkitError, writeFileAtomic } from '@tamkit/common';
import { RUN_MANIFEST_KIND, type RunManifest, type RunSequenceRecord } from './run-lasot.js';

/** Options of `mergeShardOutputs`. */
export interface MergeShardsOptions {
  /** Output folders of the shards (each holds `<sequence>.txt` files and a shard manifest). */
  shardDirs: readonly string[];
  /** Folder that receives the merged result files and `run.json`. */
  outDir: string;
  /** Sequences the merged run should cover (e.g. the split); those without a result are listed as missing. */
  expected?: readonly string[];
}

/** What a merge did. */
export interface MergeSummary {
  /** Sequences in the merged folder, sorted. */
  sequences: string[];
  /** Expected sequences that no shard produced. */
  missing: string[];
  /** Sequences present in several shards with identical content (kept once). */
  duplicates: string[];
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
    const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as RunManifest;
    if (parsed.kind === RUN_MANIFEST_KIND) manifests.push(parsed);
  }
  return manifests;
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
  const manifests = (await Promise.all(options.shardDirs.map(readManifests))).flat();
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
    missing: (options.expected ?? []).filter((name) => !chosen.has(name)),
    duplicates: [...duplicates].sort(),
    manifest,
  };
}
