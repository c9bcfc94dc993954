import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { type BuildSpecOptions, planBuild } from './build-plan.js';
import { canonicalJson, hashFile } from './cache/hash.js';
import { type CacheKeyMaterial, computeCacheKey, KEY_PLACEHOLDERS } from './cache/key.js';
import type { LockOptions } from './cache/lock.js';
import {
  ENGINE_FILE,
  type EngineManifest,
  LAYER_INFO_FILE,
  LOG_FILE,
  TIMING_CACHE_FILE,
  TYPED_MODEL_FILE,
} from './cache/manifest.js';
import { type ModelSnapshot, rehashSnapshot, snapshotModel } from './cache/snapshot.js';
import { type CacheEntry, cachePaths, getOrBuildEntry, timingCachePath } from './cache/store.js';
import { applyGraphEdits } from './graph-surgery-glue.js';
import { parsingFile } from './parsers/errors.js';
import { parseLayerInfo } from './parsers/layer-info.js';
import { type PrecisionReport, reportLayerPrecisions } from './parsers/precision-report.js';
import { type GpuIdentity, queryGpu } from './trtexec/gpu.js';
import { formatCommandLine } from './trtexec/spec.js';
import { runTrtexec } from './trtexec/trtexec.js';

/** Options of `buildEngine`. */
export interface BuildEngineOptions extends BuildSpecOptions {
  /** Cache directory (engines, timing caches, locks). */
  cacheDir: string;
  /** GPU identity for the cache key. Default: asked from nvidia-smi for `device`. */
  gpu?: GpuIdentity;
  nvidiaSmi?: string;
  /** Stop trtexec after this many ms. Default: no limit. */
  timeoutMs?: number;
  /** Every line trtexec prints, as it prints it. */
  onLine?: (line: string) => void;
  /** Progress events: cache hit, waiting for another build, build start. */
  onEvent?: (event: BuildEvent) => void;
  lock?: LockOptions;
}

export type BuildEvent =
  | { kind: 'cache-hit'; key: string; enginePath: string }
  | { kind: 'waiting'; key: string; owner: string }
  | { kind: 'building'; key: string; command: string };

export interface BuildEngineResult {
  enginePath: string;
  entry: CacheEntry;
  /** False when the engine came from the cache. */
  built: boolean;
  /** Per-layer precisions and plan violations, when the layer information was exported. */
  report?: PrecisionReport;
}

async function keepFailedLog(cacheDir: string, key: string, staging: string): Promise<string | undefined> {
  const failedDir = cachePaths(cacheDir).failed;
  await mkdir(failedDir, { recursive: true });
  const target = join(failedDir, `${key}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  try {
    await copyFile(join(staging, LOG_FILE), target);
    return target;
  } catch {
    return undefined;
  }
}

/**
 * Builds (or fetches from the cache) the engine for a model and a precision plan. The cache key covers the model
 * bytes and external data, the full trtexec arguments, the graph edits, the TensorRT version and the GPU and
 * driver, so a cached engine is served only when every one of them matches.
 */
export async function buildEngine(modelPath: string, options: BuildEngineOptions): Promise<BuildEngineResult> {
  const paths = cachePaths(options.cacheDir);
  await mkdir(paths.staging, { recursive: true });
  // Everything below reads the snapshot: the bytes hashed into the key are the bytes trtexec builds from.
  const sourceDir = await mkdtemp(join(paths.staging, 'source-'));
  try {
    const snapshot = await snapshotModel(modelPath, sourceDir);
    return await buildFromSnapshot(resolve(modelPath), snapshot, options);
  } finally {
    await rm(sourceDir, { recursive: true, force: true });
  }
}

async function buildFromSnapshot(
  modelPath: string,
  snapshot: ModelSnapshot,
  options: BuildEngineOptions,
): Promise<BuildEngineResult> {
  const spec = await planBuild(snapshot.modelPath, options, true, modelPath);
  const gpu =
    options.gpu ??
    (await queryGpu({
      device: options.device ?? 0,
      ...(options.nvidiaSmi ? { nvidiaSmi: options.nvidiaSmi } : {}),
      ...(options.env ? { env: options.env } : {}),
    }));
  const loaded = spec.loaded!;
  const model = snapshot.digest;
  const paths = cachePaths(options.cacheDir);
  await mkdir(paths.timingCaches, { recursive: true });

  // The typed model (11.x) is written first: its bytes, not just the edit list, go into the key.
  let typedDir: string | undefined;
  let typedSha: string | undefined;
  if (spec.graphEdits.length > 0) {
    typedDir = await mkdtemp(join(paths.staging, 'typed-'));
    await applyGraphEdits(loaded, spec.graphEdits, join(typedDir, TYPED_MODEL_FILE));
    typedSha = await hashFile(join(typedDir, TYPED_MODEL_FILE));
  }
  try {
    const material: CacheKeyMaterial = {
      keyVersion: 2,
      model,
      ...(typedSha ? { typedModelSha256: typedSha } : {}),
      buildPath: spec.path,
      args: spec.args(
        {
          onnxPath: KEY_PLACEHOLDERS.onnx,
          enginePath: KEY_PLACEHOLDERS.engine,
          layerInfoPath: KEY_PLACEHOLDERS.layerInfo,
          timingCachePath: KEY_PLACEHOLDERS.timingCache,
        },
        true,
      ),
      graphEdits: spec.graphEdits,
      trtVersion: spec.trtVersion,
      gpu,
    };
    const key = computeCacheKey(material);
    const timingCache = timingCachePath(options.cacheDir, spec.trtVersion, gpu);
    let keptLog: string | undefined;
    const { entry, built } = await getOrBuildEntry(
      options.cacheDir,
      key,
      async (staging) => {
        if (typedDir) await rename(join(typedDir, TYPED_MODEL_FILE), join(staging, TYPED_MODEL_FILE));
        // Each build times tactics against a private copy of the shared timing cache and publishes it back by
        // rename: concurrent builds may lose each other's additions (last one wins) but never corrupt the file.
        await copyFile(timingCache, join(staging, TIMING_CACHE_FILE)).catch(() => undefined);
        const args = spec.args({
          onnxPath: typedDir ? TYPED_MODEL_FILE : snapshot.modelPath,
          enginePath: ENGINE_FILE,
          layerInfoPath: LAYER_INFO_FILE,
          timingCachePath: TIMING_CACHE_FILE,
        });
        options.onEvent?.({ kind: 'building', key, command: formatCommandLine(spec.trtexec, args) });
        const started = Date.now();
        await runTrtexec(args, {
          ...(options.trtexec ? { trtexec: options.trtexec } : {}),
          ...(options.env ? { env: options.env } : {}),
          cwd: staging,
          logPath: join(staging, LOG_FILE),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.onLine ? { onLine: (line: string) => options.onLine?.(line) } : {}),
        });
        const engineStat = await stat(join(staging, ENGINE_FILE)).catch(() => undefined);
        if (!engineStat || engineStat.size === 0) {
          throw new ToolkitError('ENGINE_MISSING', 'trtexec exited successfully but wrote no engine file', {
            remedy: 'Read the build log; a trtexec that ignores --saveEngine is not a real trtexec.',
          });
        }
        // What trtexec read must still be what the key describes (nothing but this build writes the snapshot).
        const builtFrom = await rehashSnapshot(snapshot);
        if (canonicalJson(builtFrom) !== canonicalJson(model)) {
          throw new ToolkitError('SNAPSHOT_CHANGED', `the copy of ${modelPath} changed while trtexec built from it`, {
            remedy: 'Something wrote into the cache staging folder during the build; build again.',
          });
        }
        await rename(join(staging, TIMING_CACHE_FILE), timingCache).catch(() => undefined);
        const hasLayerInfo = await stat(join(staging, LAYER_INFO_FILE)).then(
          () => true,
          () => false,
        );
        const manifest: EngineManifest = {
          schemaVersion: 1,
          key,
          createdAt: new Date().toISOString(),
          buildSeconds: (Date.now() - started) / 1000,
          model: { path: modelPath, sha256: model.sha256, externalData: model.externalData },
          builtFrom,
          plan: options.plan,
          resolvedPlan: spec.resolvedPlan,
          graphEdits: spec.graphEdits,
          trtexec: spec.trtexec,
          args,
          keyMaterial: material,
          files: {
            engine: { name: ENGINE_FILE, bytes: engineStat.size, sha256: await hashFile(join(staging, ENGINE_FILE)) },
            log: LOG_FILE,
            ...(hasLayerInfo ? { layerInfo: LAYER_INFO_FILE } : {}),
            ...(typedSha ? { typedModel: { name: TYPED_MODEL_FILE, sha256: typedSha } } : {}),
          },
        };
        return manifest;
      },
      {
        ...options.lock,
        onWait: (owner) => options.onEvent?.({ kind: 'waiting', key, owner }),
        onFailure: async (staging) => {
          keptLog = await keepFailedLog(options.cacheDir, key, staging);
        },
      },
    ).catch((error: unknown) => {
      // The staging directory (and the log path the error names) is gone; point at the kept copy instead.
      if (error instanceof ToolkitError && keptLog) {
        const message = error.message.includes('Full log: ')
          ? error.message.replace(/Full log: [^\n]*?\.(?=\n|$)/, `Full log: ${keptLog}.`)
          : `${error.message}\nBuild log: ${keptLog}`;
        throw new ToolkitError(error.code, message, {
          ...(error.remedy ? { remedy: error.remedy } : {}),
          exitCode: error.exitCode,
          cause: error,
        });
      }
      throw error;
    });
    if (!built) options.onEvent?.({ kind: 'cache-hit', key, enginePath: entry.enginePath });
    const result: BuildEngineResult = { enginePath: entry.enginePath, entry, built };
    if (entry.manifest.files.layerInfo) {
      const file = join(entry.dir, entry.manifest.files.layerInfo);
      const text = await readFile(file, 'utf8');
      const info = parsingFile(file, () => parseLayerInfo(text));
      result.report = reportLayerPrecisions(
        info,
        spec.resolvedPlan.fp32Nodes,
        spec.graph.nodes.map((n) => n.name),
      );
    }
    return result;
  } finally {
    if (typedDir) await rm(typedDir, { recursive: true, force: true });
  }
}
