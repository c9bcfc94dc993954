import { ToolkitError } from '@tamkit/common';

/** A TensorRT version as trtexec reports it. */
export interface TrtVersion {
  major: number;
  minor: number;
  patch: number;
  /** As reported, e.g. "10.3.0" or "v100300". */
  raw: string;
}

/** The two build paths: weakly typed with layer constraints (10.x), typed graph (11.x and later). */
export type TrtBuildPath = 10 | 11;

export function formatTrtVersion(v: TrtVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** TensorRT 11 removed weak typing; every later major keeps it removed. */
export function buildPathFor(version: TrtVersion | number): TrtBuildPath {
  const major = typeof version === 'number' ? version : version.major;
  if (major < 10) {
    throw new ToolkitError('TRT_TOO_OLD', `TensorRT ${major}.x is not supported (10.x or later is required)`, {
      remedy: 'Install TensorRT 10 or 11, or point TRTEXEC at a newer trtexec.',
    });
  }
  return major >= 11 ? 11 : 10;
}

/**
 * Finds the TensorRT version in trtexec output: the `TensorRT version: X.Y.Z` line when present, otherwise the
 * `[TensorRT vNNNNNN]` banner of the `&&&& RUNNING` line (NV_TENSORRT_VERSION: major*10000+minor*100+patch from
 * 10.0 on; major*1000+minor*100+patch before). Returns undefined when neither is there.
 */
export function parseTrtVersion(text: string): TrtVersion | undefined {
  const dotted = /TensorRT version:\s*(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (dotted) {
    return {
      major: Number(dotted[1]),
      minor: Number(dotted[2]),
      patch: Number(dotted[3]),
      raw: dotted[0].split(':')[1]!.trim(),
    };
  }
  const banner = /\[TensorRT v(\d{4,6})\]/.exec(text);
  if (banner) {
    const n = Number(banner[1]);
    const raw = `v${banner[1]}`;
    if (n >= 100000) return { major: Math.floor(n / 10000), minor: Math.floor(n / 100) % 100, patch: n % 100, raw };
    return { major: Math.floor(n / 1000), minor: Math.floor(n / 100) % 10, patch: n % 100, raw };
  }
  return undefined;
}
