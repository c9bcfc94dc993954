import { assertJsonKind, lineCount, parseTrtJson, stripBom } from './common.js';
import { parseError, TrtexecParseError } from './errors.js';

/** One layer of `--exportProfile` (times in ms). */
export interface LayerProfile {
  name: string;
  /** Total over all profiled iterations. */
  timeMs: number;
  averageMs: number;
  /** Present from TensorRT 8.4 on. */
  medianMs?: number;
  /** Share of the total profiled time, 0..100. */
  percentage: number;
}

export interface EngineProfile {
  /** Number of profiled iterations. */
  count: number;
  layers: LayerProfile[];
}

// trtexec writes one entry per line: "[", "  { "count" : N }", ", { "name" : ... }" ..., "]".
const COUNT_LINE = /^\s*\{\s*"count"\s*:\s*(\d+)\s*\}\s*$/;
const ENTRY_LINE = /^\s*,\s*\{\s*"name"\s*:\s*"(.*)"\s*,\s*"timeMs"\s*:(.*)\}\s*$/;

/**
 * trtexec writes layer names into the profile without JSON escaping, so a name with a quote or backslash breaks
 * the document. This reads such a file line by line, as trtexec lays it out, and accepts it only when every line
 * is accounted for and the closing `]` stands on its own line: a truncated file is an error, never a shorter
 * profile.
 */
function parseProfileLines(text: string): unknown[] {
  const lines = text.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  if (lines[last]?.trim() !== ']') {
    throw parseError('profile', 'the file does not end with the closing "]" line: it is truncated', last + 1);
  }
  const entries: unknown[] = [];
  for (let i = 0; i < last; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || (i === 0 && line.trim() === '[')) continue;
    const count = COUNT_LINE.exec(line);
    if (count && entries.length === 0) {
      entries.push({ count: Number(count[1]) });
      continue;
    }
    const m = ENTRY_LINE.exec(line);
    if (!m) throw parseError('profile', `line is not a profile entry: ${JSON.stringify(line.slice(0, 120))}`, i + 1);
    const rest = parseTrtJson(`{"timeMs":${m[2]}}`, 'profile') as Record<string, unknown>;
    entries.push({ name: m[1], ...rest });
  }
  return entries;
}

/**
 * Parses `trtexec --exportProfile` output: `[{ "count": N }, { "name", "timeMs", "averageMs", "medianMs",
 * "percentage" }, ...]`. The percentages of a whole profile add up to 100; a profile whose percentages do not is
 * missing layers and is refused.
 */
export function parseExportProfile(input: string): EngineProfile {
  const text = stripBom(input);
  let data: unknown;
  try {
    data = parseTrtJson(text, 'profile');
  } catch (error) {
    // Only an unescaped layer name is recoverable; the line reader refuses anything truncated.
    if (!(error instanceof TrtexecParseError) || error.code !== 'PARSE_FAILED') throw error;
    data = parseProfileLines(text);
  }
  assertJsonKind(data, 'profile');
  if (!Array.isArray(data) || data.length === 0)
    throw parseError('profile', 'expected a JSON array starting with { "count": N }');
  const head = data[0] as Record<string, unknown>;
  if (typeof head?.count !== 'number') throw parseError('profile', 'the first entry has no numeric "count"', 2);
  const layers = data.slice(1).map((entry, i) => {
    const r = entry as Record<string, unknown>;
    if (typeof r?.name !== 'string') throw parseError('profile', `layer entry ${i} has no "name"`);
    for (const key of ['timeMs', 'averageMs', 'percentage']) {
      if (typeof r[key] !== 'number') throw parseError('profile', `layer "${r.name}" has no numeric "${key}"`);
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
  const total = layers.reduce((sum, l) => sum + l.percentage, 0);
  // NaN when every layer took 0 ms (trtexec divides by a zero total); printed to 6 digits, so allow rounding.
  if (layers.length > 0 && Number.isFinite(total) && Math.abs(total - 100) > 0.5) {
    throw parseError(
      'profile',
      `the ${layers.length} layers' percentages add up to ${total.toFixed(2)}, not 100: layers are missing`,
      lineCount(text),
    );
  }
  return { count: head.count, layers };
}
