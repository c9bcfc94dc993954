import type { PrecisionPlan, ResolvedPlan } from '@tamkit/graph-surgery';
import type { GraphEdit } from '../graph-surgery-glue.js';
import type { ModelDigest } from './hash.js';
import type { CacheKeyMaterial } from './key.js';

export const ENGINE_FILE = 'engine.plan';
export const MANIFEST_FILE = 'manifest.json';
export const LOG_FILE = 'build.log';
export const LAYER_INFO_FILE = 'layers.json';
export const TYPED_MODEL_FILE = 'model.typed.onnx';
/** The build's private copy of the shared timing cache; moved back to the shared file after a successful build. */
export const TIMING_CACHE_FILE = 'timing.cache';

/** manifest.json of a cache entry: what went in, what came out, how long it took. */
export interface EngineManifest {
  schemaVersion: 1;
  key: string;
  /** ISO time the build finished. */
  createdAt: string;
  buildSeconds: number;
  model: { path: string; sha256: string; externalData: { name: string; sha256: string }[] };
  /**
   * The model bytes trtexec read, hashed again from the build's snapshot after the build; `cache verify` checks
   * that they are the key's. Absent in entries of key version 1, which built from the model's own path.
   */
  builtFrom?: ModelDigest;
  plan: PrecisionPlan;
  resolvedPlan: ResolvedPlan;
  graphEdits: GraphEdit[];
  trtexec: string;
  /** The arguments trtexec ran with, relative to the entry directory (it runs with the entry as cwd). */
  args: string[];
  keyMaterial: CacheKeyMaterial;
  files: {
    engine: { name: string; bytes: number; sha256: string };
    log: string;
    layerInfo?: string;
    typedModel?: { name: string; sha256: string };
  };
}

/** Checks the shape of a parsed manifest; returns the problems found (empty when sound). */
export function manifestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['manifest is not a JSON object'];
  const m = value as Partial<EngineManifest>;
  const problems: string[] = [];
  if (m.schemaVersion !== 1) problems.push('manifest schemaVersion is not 1');
  if (typeof m.key !== 'string') problems.push('manifest has no key');
  if (typeof m.files?.engine?.sha256 !== 'string') problems.push('manifest has no engine checksum');
  if (typeof m.keyMaterial !== 'object' || m.keyMaterial === null) problems.push('manifest has no key material');
  return problems;
}
