/** Zoo models and inputs for the acceptance tests, built once per test file. */
import { buildZoo, type EfficientTamModule, type ModelProto, type ZooSize, type ZooStyle } from '../../src/index.js';
import type { Feed } from './ort-feeds.js';

/** Symbolic dims at test time: one spatial memory frame plus one object pointer (4 tokens). */
export const ZOO_DIMS = { num_points: 2, num_mem_tokens: 1028, num_obj_ptr_tokens: 4 };

const cache = new Map<string, Partial<Record<EfficientTamModule, ModelProto>>>();

/** Zoo modules of the default (export) style, or of `style`. */
export function zooModules(size: ZooSize, outliers = false, modules?: EfficientTamModule[], style?: ZooStyle) {
  const key = `${size}/${outliers}/${modules?.join(',') ?? 'all'}/${style ?? 'default'}`;
  let built = cache.get(key);
  if (!built) {
    built = buildZoo({
      model: 'efficienttam-ti',
      size,
      seed: 0,
      outliers,
      ...(modules ? { modules } : {}),
      ...(style ? { style } : {}),
    }).modules;
    cache.set(key, built);
  }
  return built;
}

export function zooModule(size: ZooSize, module: EfficientTamModule, outliers = false, style?: ZooStyle): ModelProto {
  const m = zooModules(size, outliers, undefined, style)[module];
  if (!m) throw new Error(`zoo has no ${module}`);
  return m;
}

/** The same feeds with float inputs as FLOAT16 (values rounded by the runner). */
export function halfFeeds(feeds: Record<string, Feed>): Record<string, Feed> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, v]) => [k, v.type === 'float32' ? { ...v, type: 'float16' } : v]),
  );
}

/**
 * Full-size numeric runs of the image encoder and memory attention take seconds each in onnxruntime's CPU
 * provider; they run when TAMKIT_SLOW_TESTS=1 (the acceptance run) and are skipped, with a printed reason,
 * in the everyday suite that must stay under a minute on two cores.
 */
export const SLOW_TESTS = process.env.TAMKIT_SLOW_TESTS === '1';
export const SLOW_MODULES: ReadonlySet<string> = new Set(['image_encoder', 'memory_attention']);

/** True (and says why once per file) when a full-size run of `module` is skipped. */
export function skipFullSize(size: ZooSize, module: string): boolean {
  const skip = size === 'full' && SLOW_MODULES.has(module) && !SLOW_TESTS;
  if (skip && !warned) {
    warned = true;
    console.warn('skipping full-size image_encoder/memory_attention ORT runs: set TAMKIT_SLOW_TESTS=1 to run them');
  }
  return skip;
}
let warned = false;
