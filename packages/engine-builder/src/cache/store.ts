import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError, writeFileAtomic } from '@tamkit/common';
import { hashFile } from './hash.js';
import { acquireLock, type LockOptions } from './lock.js';
import { ENGINE_FILE, type EngineManifest, MANIFEST_FILE, manifestProblems } from './manifest.js';

/** A published cache entry. */
export interface CacheEntry {
  key: string;
  dir: string;
  enginePath: string;
  manifest: EngineManifest;
}

export const cachePaths = (cacheDir: string) => ({
  engines: join(cacheDir, 'engines'),
  staging: join(cacheDir, 'staging'),
  locks: join(cacheDir, 'locks'),
  failed: join(cacheDir, 'failed'),
  timingCaches: join(cacheDir, 'timing-caches'),
});

export function entryDir(cacheDir: string, key: string): string {
  return join(cachePaths(cacheDir).engines, key);
}

/** The entry for `key`, if one has been published and its manifest reads back. */
export async function lookupEntry(cacheDir: string, key: string): Promise<CacheEntry | undefined> {
  const dir = entryDir(cacheDir, key);
  let manifest: EngineManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as EngineManifest;
  } catch {
    return undefined;
  }
  if (manifestProblems(manifest).length > 0 || manifest.key !== key) return undefined;
  return { key, dir, enginePath: join(dir, ENGINE_FILE), manifest };
}

/**
 * Whether an entry's engine is still the one its manifest describes (same size and SHA-256). Checked on every
 * cache hit: an engine damaged on disk is rebuilt, never served.
 */
export async function entryIntact(entry: CacheEntry): Promise<boolean> {
  const recorded = entry.manifest.files.engine;
  try {
    if ((await stat(entry.enginePath)).size !== recorded.bytes) return false;
    return (await hashFile(entry.enginePath)) === recorded.sha256;
  } catch {
    return false;
  }
}

async function lookupIntact(cacheDir: string, key: string): Promise<CacheEntry | undefined> {
  const entry = await lookupEntry(cacheDir, key);
  return entry && (await entryIntact(entry)) ? entry : undefined;
}

/** Options of `getOrBuildEntry`. */
export interface GetOrBuildOptions extends LockOptions {}

/**
 * Returns the entry for `key`, building it if absent. The build runs in a private staging directory under the
 * key's lock and is published by renaming the whole directory into place, so a reader never sees a half-written
 * entry; two processes building one key run the build once (the second waits, then reads the first's entry).
 * If the build throws, the staging directory is removed after `onFailure` has had a chance to keep its log.
 * A hit whose engine no longer matches its manifest's checksum counts as a miss and is rebuilt in place.
 */
export async function getOrBuildEntry(
  cacheDir: string,
  key: string,
  build: (stagingDir: string) => Promise<EngineManifest>,
  options: GetOrBuildOptions & { onFailure?: (stagingDir: string) => Promise<void> } = {},
): Promise<{ entry: CacheEntry; built: boolean }> {
  const hit = await lookupIntact(cacheDir, key);
  if (hit) return { entry: hit, built: false };
  const paths = cachePaths(cacheDir);
  await Promise.all([paths.engines, paths.staging, paths.locks].map((d) => mkdir(d, { recursive: true })));
  const release = await acquireLock(join(paths.locks, `${key}.lock`), options);
  try {
    const raced = await lookupIntact(cacheDir, key);
    if (raced) return { entry: raced, built: false };
    const staging = await mkdtemp(join(paths.staging, `${key}-`));
    try {
      const manifest = await build(staging);
      await writeFileAtomic(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      const dir = entryDir(cacheDir, key);
      // Holding the lock and having missed the lookup, anything under the key is damaged or a leftover: replace it.
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } catch (error) {
      await options.onFailure?.(staging).catch(() => undefined);
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    const entry = await lookupEntry(cacheDir, key);
    if (!entry) throw new InternalError(`cache entry ${key} vanished right after publishing`);
    return { entry, built: true };
  } finally {
    await release();
  }
}

/**
 * The timing cache shared by every build for one TensorRT version on one GPU model. Timing results are only
 * valid for the GPU and TensorRT they were measured with, so the file name carries both.
 */
export function timingCachePath(
  cacheDir: string,
  trtVersion: string,
  gpu: { name: string; computeCapability: string },
): string {
  const gpuTag = `${gpu.name}-sm${gpu.computeCapability}`.replace(/[^A-Za-z0-9.-]+/g, '_');
  return join(cachePaths(cacheDir).timingCaches, `trt${trtVersion.replace(/[^A-Za-z0-9.-]+/g, '_')}-${gpuTag}.cache`);
}
