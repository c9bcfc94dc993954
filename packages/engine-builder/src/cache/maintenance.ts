import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, hashFile } from './hash.js';
import { computeCacheKey } from './key.js';
import { type EngineManifest, MANIFEST_FILE, manifestProblems } from './manifest.js';
import { cachePaths } from './store.js';

/** One directory under `<cache>/engines`, as `cache ls` shows it. */
export interface CacheListing {
  key: string;
  dir: string;
  manifest?: EngineManifest;
  /** Why the manifest could not be read, when it could not. */
  error?: string;
  bytes: number;
  modifiedAt: Date;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(p) : (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Lists cache entries, oldest first. Unreadable entries are listed with an `error`, never skipped. */
export async function listCache(cacheDir: string): Promise<CacheListing[]> {
  const engines = cachePaths(cacheDir).engines;
  const names = await readdir(engines).catch(() => [] as string[]);
  const listings = await Promise.all(
    names.map(async (key) => {
      const dir = join(engines, key);
      const info = await stat(dir);
      const listing: CacheListing = { key, dir, bytes: await dirBytes(dir), modifiedAt: info.mtime };
      try {
        const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as EngineManifest;
        const problems = manifestProblems(manifest);
        if (problems.length > 0) listing.error = problems.join('; ');
        else listing.manifest = manifest;
      } catch (error) {
        listing.error = `manifest unreadable: ${(error as Error).message}`;
      }
      return listing;
    }),
  );
  return listings.sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime());
}

/** The verdict of `cache verify` on one entry. */
export interface VerifyResult {
  key: string;
  dir: string;
  ok: boolean;
  problems: string[];
}

/**
 * Checks every entry: manifest readable, key material hashing to the directory name, engine file present with
 * the recorded size and SHA-256, log present. Anything else is reported as a problem of that entry.
 */
export async function verifyCache(cacheDir: string): Promise<VerifyResult[]> {
  const results: VerifyResult[] = [];
  for (const listing of await listCache(cacheDir)) {
    const problems: string[] = [];
    const m = listing.manifest;
    if (!m) problems.push(listing.error ?? 'manifest missing');
    else {
      if (m.key !== listing.key) problems.push(`manifest key ${m.key} differs from the directory name`);
      if (computeCacheKey(m.keyMaterial) !== listing.key)
        problems.push('key material does not hash to the entry key (manifest edited?)');
      if (!m.builtFrom)
        problems.push(
          'no record of the bytes trtexec built from (an entry of an older engine-builder, which read the model path after hashing it); prune it',
        );
      else if (canonicalJson(m.builtFrom) !== canonicalJson(m.keyMaterial.model))
        problems.push('the engine was built from other model bytes than its key names');
      const enginePath = join(listing.dir, m.files.engine.name);
      try {
        const size = (await stat(enginePath)).size;
        if (size !== m.files.engine.bytes)
          problems.push(`engine is ${size} bytes, manifest says ${m.files.engine.bytes}`);
        else if ((await hashFile(enginePath)) !== m.files.engine.sha256)
          problems.push('engine SHA-256 differs from the manifest (corrupted)');
      } catch {
        problems.push(`engine file ${m.files.engine.name} is missing`);
      }
      try {
        await stat(join(listing.dir, m.files.log));
      } catch {
        problems.push(`build log ${m.files.log} is missing`);
      }
    }
    results.push({ key: listing.key, dir: listing.dir, ok: problems.length === 0, problems });
  }
  return results;
}

/** What `pruneCache` removes. All criteria combine with "or". */
export interface PruneOptions {
  /** Remove entries last modified more than this many days ago. */
  olderThanDays?: number;
  /** Keep only the newest N entries. */
  keepNewest?: number;
  /** Remove entries `verifyCache` finds broken. */
  corrupt?: boolean;
  /** Remove every entry. */
  all?: boolean;
  /** Report what would be removed without removing it. */
  dryRun?: boolean;
  /** Clock for age checks (tests). Default: now. */
  now?: Date;
}

/**
 * Removes cache entries by age, count or health, plus staging directories older than a day (left by killed
 * builds). Returns the removed entry keys. Locks are left alone: a live build may hold one.
 */
export async function pruneCache(
  cacheDir: string,
  options: PruneOptions,
): Promise<{ removed: string[]; staging: string[] }> {
  const now = (options.now ?? new Date()).getTime();
  const listings = await listCache(cacheDir);
  const doomed = new Set<string>();
  if (options.all) for (const l of listings) doomed.add(l.key);
  if (options.olderThanDays !== undefined) {
    for (const l of listings) if (now - l.modifiedAt.getTime() > options.olderThanDays * 86_400_000) doomed.add(l.key);
  }
  if (options.keepNewest !== undefined) {
    for (const l of listings.slice(0, Math.max(0, listings.length - options.keepNewest))) doomed.add(l.key);
  }
  if (options.corrupt) for (const r of await verifyCache(cacheDir)) if (!r.ok) doomed.add(r.key);
  const staging: string[] = [];
  const stagingDir = cachePaths(cacheDir).staging;
  for (const name of await readdir(stagingDir).catch(() => [] as string[])) {
    const info = await stat(join(stagingDir, name)).catch(() => undefined);
    if (info && now - info.mtime.getTime() > 86_400_000) staging.push(name);
  }
  if (!options.dryRun) {
    for (const l of listings) if (doomed.has(l.key)) await rm(l.dir, { recursive: true, force: true });
    for (const name of staging) await rm(join(stagingDir, name), { recursive: true, force: true });
  }
  return { removed: listings.filter((l) => doomed.has(l.key)).map((l) => l.key), staging };
}
