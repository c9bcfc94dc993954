/** Zoo models and inputs for the acceptance tests, built once per test file. */
import { buildZoo, type EfficientTamModule, type ModelProto, type ZooSize } from '../../src/index.js';
import type { Feed } from './ort-feeds.js';

/** Symbolic dims at test time: one spatial memory frame plus one object pointer (4 tokens). */
export const ZOO_DIMS = { num_points: 2, num_mem_tokens: 1028, num_obj_ptr_tokens: 4 };

const cache = new Map<string, Partial<Record<EfficientTamModule, ModelProto>>>();

export function zooModules(size: ZooSize, outliers = false, modules?: EfficientTamModule[]) {
  const key = `${size}/${outliers}/${modules?.join(',') ?? 'all'}`;
  let built = cache.get(key);
  if (!built) {
    built = buildZoo({ model: 'efficienttam-ti', size, seed: 0, outliers, ...(modules ? { modules } : {}) }).modules;
    cache.set(key, built);
  }
  return built;
}

export function zooModule(size: ZooSize, module: EfficientTamModule, outliers = false): ModelProto {
  const m = zooModules(size, outliers)[module];
  if (!m) throw new Error(`zoo has no ${module}`);
  return m;
}

/** The same feeds with float inputs as FLOAT16 (values rounded by the runner). */
export function halfFeeds(feeds: Record<string, Feed>): Record<string, Feed> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, v]) => [k, v.type === 'float32' ? { ...v, type: 'float16' } : v]),
  );
}
