import type { GraphEdit } from '../graph-surgery-glue.js';
import type { GpuIdentity } from '../trtexec/gpu.js';
import type { TrtBuildPath } from '../trtexec/version.js';
import { canonicalJson, type ModelDigest, sha256 } from './hash.js';

/** Everything that decides what engine a build produces. Any change to any field gives a new key. */
export interface CacheKeyMaterial {
  /** 2: the model digest is of the snapshot trtexec builds from (1 hashed the path trtexec later read). */
  keyVersion: 2;
  model: ModelDigest;
  /** SHA-256 of the typed model trtexec actually reads (TensorRT 11 path). */
  typedModelSha256?: string;
  buildPath: TrtBuildPath;
  /** The full trtexec argument array, with the paths engine-builder chooses replaced by placeholders. */
  args: string[];
  graphEdits: GraphEdit[];
  /** As trtexec reports it (e.g. "10.3.0"), or "assumed-10"/"assumed-11" when given by --trt-version. */
  trtVersion: string;
  gpu: GpuIdentity;
}

/** Placeholders that stand for per-entry paths inside the key's argument array. */
export const KEY_PLACEHOLDERS = {
  onnx: '<onnx>',
  engine: '<engine>',
  layerInfo: '<layer-info>',
  timingCache: '<timing-cache>',
} as const;

/** The cache key: SHA-256 of the canonical JSON of the material, 40 hex digits. */
export function computeCacheKey(material: CacheKeyMaterial): string {
  return sha256(canonicalJson(material)).slice(0, 40);
}
