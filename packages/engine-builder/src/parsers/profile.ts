import { parseError, parseTrtJson } from './common.js';

/** One layer of `--exportProfile` (times in ms). */
export interface LayerProfile {
  name: string;
  /** Total over all profiled iterations. */
  timeMs: number;
  averageMs: number;
  /** Present from TensorRT 8.6 on. */
  medianMs?: number;
  /** Share of the total profiled time, 0..100. */
  percentage: number;
}

export interface EngineProfile {
  /** Number of profiled iterations. */
  count: number;
  layers: LayerProfile[];
}

/**
 * trtexec writes layer names into the profile without JSON escaping, so a name with a quote or backslash breaks
 * the document. This reads such a file line by line, one `{ "name" : "...", "timeMs" : ... }` entry per line.
 */
function parseProfileLines(text: string, what: string): unknown[] {
  const entries: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    const count = /"count"\s*:\s*(\d+)/.exec(line);
    if (count && !line.includes('"name"')) {
      entries.push({ count: Number(count[1]) });
      continue;
    }
    const m = /"name"\s*:\s*"(.*)"\s*,\s*"timeMs"\s*:(.*)\}\s*$/.exec(line);
    if (!m) continue;
    const rest = parseTrtJson(`{"timeMs":${m[2]}}`, what) as Record<string, unknown>;
    entries.push({ name: m[1], ...rest });
  }
  if (entries.length === 0) throw parseError(what, 'no profile entries found');
  return entries;
}

/** Parses `trtexec --exportProfile` output: `[{ "count": N }, { "name", "timeMs", "averageMs", "medianMs", "percentage" }, ...]`. */
export function parseExportProfile(text: string): EngineProfile {
  const what = 'trtexec --exportProfile file';
  let data: unknown;
  try {
    data = parseTrtJson(text, what);
  } catch (error) {
    // Only the unescaped-name case is recoverable; a truncated file has no closing bracket.
    if (!text.trimEnd().endsWith(']')) throw error;
    data = parseProfileLines(text, what);
  }
  if (!Array.isArray(data) || data.length === 0)
    throw parseError(what, 'expected a JSON array starting with { "count": N }');
  const head = data[0] as Record<string, unknown>;
  if (typeof head?.count !== 'number') throw parseError(what, 'the first entry has no numeric "count"');
  const layers = data.slice(1).map((entry, i) => {
    const r = entry as Record<string, unknown>;
    if (typeof r?.name !== 'string') throw parseError(what, `layer entry ${i} has no "name"`);
    for (const key of ['timeMs', 'averageMs', 'percentage']) {
      if (typeof r[key] !== 'number') throw parseError(what, `layer "${r.name}" has no numeric "${key}"`);
    }
    const layer: LayerProfile = {
      name: r.name,
      timeMs: r.timeMs as number,
      averageMs: r.averageMs as number,
      percentage: r.percentage as number,
    };
    if (typeof r.medianMs === 'number') layer.medianMs = r.medianMs;
    return layer;
  });
  return { count: head.count, layers };
}
