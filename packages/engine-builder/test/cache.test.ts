import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  type BuildEngineOptions,
  buildEngine,
  computeCacheKey,
  digestModel,
  type EngineManifest,
  getOrBuildEntry,
  listCache,
  loadModel,
  planForPrecision,
  pruneCache,
  timingCachePath,
  verifyCache,
} from '../src/index.js';
import { fixturePath, TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { SMALL_OPS, tempDir, writeChainModel, writeExternalDataModel } from './helpers/models.js';

// Builds here run the trtexec TEST DOUBLE (test/doubles/trtexec-double.mjs): its "engines" are placeholder bytes
// that exercise the cache around a build; they are never benchmarked or reported.
const GPU = {
  name: 'NVIDIA H100 80GB HBM3',
  computeCapability: '9.0',
  uuid: 'GPU-11111111-2222-3333-4444-555555555555',
  driverVersion: '550.54.15',
};

function options(
  cacheDir: string,
  env: Record<string, string> = {},
  extra: Partial<BuildEngineOptions> = {},
): BuildEngineOptions {
  return {
    plan: planForPrecision('fp16'),
    cacheDir,
    gpu: GPU,
    trtexec: TRTEXEC_DOUBLE,
    env: { ...process.env, ...env },
    ...extra,
  };
}

async function setup() {
  const dir = await tempDir();
  const model = await writeChainModel(dir, 'memory_encoder.onnx', SMALL_OPS);
  return { dir, model, cache: join(dir, 'cache') };
}

describe('cache keys', () => {
  it('change with one byte of the ONNX, one build flag, the reported TensorRT version or the GPU, and only then', async () => {
    const { dir, model, cache } = await setup();
    const key = async (path: string, env: Record<string, string> = {}, extra: Partial<BuildEngineOptions> = {}) =>
      (await buildEngine(path, options(cache, env, extra))).entry.key;
    const base = await key(model);
    expect(await key(model)).toBe(base);

    const bytes = await readFile(model);
    const at = bytes.indexOf(Buffer.from('/memory_encoder/out_proj/Conv'));
    const edited = Buffer.from(bytes);
    edited[at + 1] = 'M'.charCodeAt(0); // "/memory_encoder" -> "/Memory_encoder": same length, still valid ONNX
    const editedPath = join(dir, 'edited.onnx');
    await writeFile(editedPath, edited);
    expect(await key(editedPath)).not.toBe(base);

    expect(await key(model, {}, { extraArgs: ['--memPoolSize=workspace:1024'] })).not.toBe(base);
    expect(await key(model, {}, { extraArgs: ['--memPoolSize=workspace:2048'] })).not.toBe(
      await key(model, {}, { extraArgs: ['--memPoolSize=workspace:1024'] }),
    );
    expect(await key(model, {}, { plan: planForPrecision('bf16') })).not.toBe(base);
    expect(await key(model, { TRTEXEC_DOUBLE_VERSION: '100400' })).not.toBe(base);
    expect(await key(model, {}, { gpu: { ...GPU, uuid: 'GPU-ffffffff-2222-3333-4444-555555555555' } })).not.toBe(base);
    expect(await key(model, {}, { gpu: { ...GPU, driverVersion: '560.28.03' } })).not.toBe(base);
    // The GPU index and the timing cache location are not part of what the engine is.
    expect(await key(model, {}, { device: 0 })).toBe(base);
  });

  it('cover the bytes of external data files, which live outside the .onnx', async () => {
    const { path, dataFile } = await writeExternalDataModel(await tempDir());
    const loaded = await loadModel(path);
    expect(loaded.externalDataFiles).toEqual([dataFile]);
    expect((await loadModel(path, { withData: false })).externalDataFiles).toEqual([dataFile]);
    const before = await digestModel(path, loaded.externalDataFiles);
    const weights = await readFile(dataFile);
    weights[weights.length - 1] = weights[weights.length - 1]! ^ 1;
    await writeFile(dataFile, weights);
    const after = await digestModel(path, loaded.externalDataFiles);
    expect(after.sha256).toBe(before.sha256);
    expect(after.externalData[0]!.sha256).not.toBe(before.externalData[0]!.sha256);
    const material = (m: typeof before) => ({
      keyVersion: 2 as const,
      model: m,
      buildPath: 10 as const,
      args: [],
      graphEdits: [],
      trtVersion: '10.3.0',
      gpu: GPU,
    });
    expect(computeCacheKey(material(after))).not.toBe(computeCacheKey(material(before)));
  });
});

describe('cache entries', () => {
  it('serve a second build from the cache with the full log and a manifest next to the engine', async () => {
    const { model, cache, dir } = await setup();
    const argv = join(dir, 'argv.jsonl');
    const lines: string[] = [];
    const first = await buildEngine(
      model,
      options(
        cache,
        { TRTEXEC_DOUBLE_ARGV_FILE: argv, TRTEXEC_DOUBLE_LAYER_INFO: fixturePath('trtexec-10/layers-detailed.json') },
        { onLine: (l) => lines.push(l) },
      ),
    );
    expect(first.built).toBe(true);
    expect(lines).toContain('[I] Engine built in 0.1 sec.');
    const second = await buildEngine(model, options(cache, { TRTEXEC_DOUBLE_ARGV_FILE: argv }));
    expect(second.built).toBe(false);
    expect(second.enginePath).toBe(first.enginePath);
    const builds = (await readFile(argv, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((c) => !c.args.includes('--help'));
    expect(builds).toHaveLength(1);
    expect(builds[0].args).toContain('--saveEngine=engine.plan');
    const m = first.entry.manifest;
    expect(m.files.engine.bytes).toBe((await stat(first.enginePath)).size);
    expect(await readFile(join(first.entry.dir, m.files.log), 'utf8')).toMatch(/Engine built in 0.1 sec/);
    expect(m.keyMaterial.trtVersion).toBe('10.3.0');
    expect(m.keyMaterial.args).toContain('--saveEngine=<engine>');
    expect(first.report?.layers.length).toBe(8);
  });

  it('run one build when several builds of the same key start at once, and give all of them its engine', async () => {
    const { model, cache, dir } = await setup();
    const argv = join(dir, 'argv.jsonl');
    const env = { TRTEXEC_DOUBLE_ARGV_FILE: argv, TRTEXEC_DOUBLE_DELAY_MS: '300' };
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => buildEngine(model, options(cache, env, { lock: { pollMs: 20 } }))),
    );
    expect(new Set(results.map((r) => r.enginePath)).size).toBe(1);
    expect(results.filter((r) => r.built)).toHaveLength(1);
    const builds = (await readFile(argv, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((c) => !c.args.includes('--help'));
    expect(builds).toHaveLength(1);
    expect((await listCache(cache)).map((e) => e.key)).toEqual([results[0]!.entry.key]);
  });

  it('share one timing cache per TensorRT version and GPU model across builds, each build working on a private copy', async () => {
    const { model, cache } = await setup();
    const a = await buildEngine(model, options(cache));
    expect(a.entry.manifest.args).toContain('--timingCacheFile=timing.cache');
    const shared = timingCachePath(cache, '10.3.0', GPU);
    expect((await readFile(shared, 'utf8')).trim().split('\n')).toHaveLength(1);
    await buildEngine(model, options(cache, {}, { plan: planForPrecision('fp32') }));
    expect((await readFile(shared, 'utf8')).trim().split('\n')).toHaveLength(2);
    await expect(stat(join(a.entry.dir, 'timing.cache'))).rejects.toThrow();
  });

  it('rebuild an entry whose engine was damaged on disk instead of serving it', async () => {
    const { model, cache } = await setup();
    const first = await buildEngine(model, options(cache));
    await writeFile(first.enginePath, 'damaged');
    const second = await buildEngine(model, options(cache));
    expect(second.built).toBe(true);
    expect(second.entry.key).toBe(first.entry.key);
    expect((await verifyCache(cache)).every((r) => r.ok)).toBe(true);
  });

  it('BAD RUN - a failed build publishes nothing and keeps its log under failed/', async () => {
    const { model, cache } = await setup();
    const error = await buildEngine(model, options(cache, { TRTEXEC_DOUBLE_MODE: 'fail' })).catch((e) => e);
    expect(error.code).toBe('TRTEXEC_FAILED');
    const kept = /Full log: (.*failed\/.*\.log)\./.exec(error.message)?.[1];
    expect(kept).toBeDefined();
    expect(await readFile(kept!, 'utf8')).toMatch(/While parsing node number 3/);
    expect(await listCache(cache)).toEqual([]);
  });

  it('BAD RUN - a trtexec that exits 0 without writing an engine is refused', async () => {
    const { model, cache } = await setup();
    await expect(buildEngine(model, options(cache, { TRTEXEC_DOUBLE_MODE: 'no-engine' }))).rejects.toThrow(
      /wrote no engine file/,
    );
    expect(await listCache(cache)).toEqual([]);
  });

  it('take over a lock left by a process that died', async () => {
    const dir = await tempDir();
    const lock = join(dir, 'k.lock');
    const { hostname } = await import('node:os');
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: Date.now() }));
    const release = await acquireLock(lock, { pollMs: 10, waitTimeoutMs: 2000 });
    expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(process.pid);
    await release();
    await expect(stat(lock)).rejects.toThrow();
  });

  it('wait for a live lock holder, then time out with a clear error', async () => {
    const dir = await tempDir();
    const release = await acquireLock(join(dir, 'k.lock'));
    await expect(acquireLock(join(dir, 'k.lock'), { pollMs: 10, waitTimeoutMs: 100 })).rejects.toThrow(
      /Timed out waiting for the cache lock/,
    );
    await release();
  });
});

describe('cache verify, ls and prune', () => {
  async function twoEntries() {
    const { model, cache, dir } = await setup();
    const a = await buildEngine(model, options(cache));
    const b = await buildEngine(model, options(cache, {}, { plan: planForPrecision('fp32') }));
    return { a, b, cache, dir };
  }

  it('verify passes sound entries and detects a corrupted engine, an edited manifest and a missing log', async () => {
    const { a, b, cache } = await twoEntries();
    expect((await verifyCache(cache)).every((r) => r.ok)).toBe(true);

    const engine = await readFile(a.enginePath);
    engine[3] = engine[3]! ^ 0xff;
    await writeFile(a.enginePath, engine);
    const manifestPath = join(b.entry.dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as EngineManifest;
    manifest.keyMaterial.trtVersion = '10.9.9';
    await writeFile(manifestPath, JSON.stringify(manifest));

    const results = Object.fromEntries((await verifyCache(cache)).map((r) => [r.key, r]));
    expect(results[a.entry.key]!.problems).toEqual(['engine SHA-256 differs from the manifest (corrupted)']);
    expect(results[b.entry.key]!.problems).toEqual(['key material does not hash to the entry key (manifest edited?)']);
    await rm(join(b.entry.dir, 'build.log'));
    expect((await verifyCache(cache)).find((r) => r.key === b.entry.key)!.problems).toContain(
      'build log build.log is missing',
    );
  });

  it('ls lists an entry with an unreadable manifest instead of hiding it, and prune --corrupt removes it', async () => {
    const { a, b, cache } = await twoEntries();
    await writeFile(join(a.entry.dir, 'manifest.json'), '{ truncated');
    const listing = await listCache(cache);
    expect(listing.find((l) => l.key === a.entry.key)!.error).toMatch(/manifest unreadable/);
    expect((await pruneCache(cache, { corrupt: true, dryRun: true })).removed).toEqual([a.entry.key]);
    expect((await listCache(cache)).length).toBe(2);
    expect((await pruneCache(cache, { corrupt: true })).removed).toEqual([a.entry.key]);
    expect((await listCache(cache)).map((l) => l.key)).toEqual([b.entry.key]);
  });

  it('prune removes by age and keeps the newest N', async () => {
    const { a, b, cache } = await twoEntries();
    const { utimes } = await import('node:fs/promises');
    const old = new Date(Date.now() - 40 * 86_400_000);
    await utimes(a.entry.dir, old, old);
    expect((await pruneCache(cache, { olderThanDays: 30 })).removed).toEqual([a.entry.key]);
    const c = await buildEngine(b.entry.manifest.model.path, options(cache, {}, { plan: planForPrecision('bf16') }));
    const { utimes: u } = await import('node:fs/promises');
    await u(b.entry.dir, new Date(Date.now() - 1000), new Date(Date.now() - 1000));
    expect((await pruneCache(cache, { keepNewest: 1 })).removed).toEqual([b.entry.key]);
    expect((await listCache(cache)).map((l) => l.key)).toEqual([c.entry.key]);
  });
});

describe('getOrBuildEntry', () => {
  it('replaces a leftover directory without a readable manifest under the key', async () => {
    const dir = await tempDir();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'engines', 'k1'), { recursive: true });
    await writeFile(join(dir, 'engines', 'k1', 'junk'), 'x');
    const { entry, built } = await getOrBuildEntry(dir, 'k1', async (staging) => {
      await writeFile(join(staging, 'engine.plan'), 'e');
      await writeFile(join(staging, 'build.log'), 'log');
      return {
        schemaVersion: 1,
        key: 'k1',
        files: { engine: { name: 'engine.plan', bytes: 1, sha256: 'x' }, log: 'build.log' },
        keyMaterial: {},
      } as unknown as EngineManifest;
    });
    expect(built).toBe(true);
    await expect(stat(join(entry.dir, 'junk'))).rejects.toThrow();
  });
});
