import { readRegularFile } from '@tamkit/common';
import { type BuildLogSummary, parseBuildLog } from './parsers/build-log.js';
import { emptyFileError } from './parsers/common.js';
import { decodeTrtexecBytes, detectTrtexecKind } from './parsers/detect.js';
import { parsingFile, type TrtexecFileKind, wrongKindError } from './parsers/errors.js';
import { type EngineLayerInfo, parseLayerInfo } from './parsers/layer-info.js';
import { type ExportedTensor, parseExportOutput } from './parsers/output.js';
import { type EngineProfile, parseExportProfile } from './parsers/profile.js';
import { type PerformanceSummary, parsePerformanceSummary } from './parsers/summary.js';
import { type IterationTiming, parseExportTimes, summarizeTimes, type TraceSummary } from './parsers/times.js';
import { parseTrtVersion } from './trtexec/version.js';

/** A parsed trtexec file, by kind. */
export type ParsedTrtexecFile =
  | { kind: 'summary'; summary: PerformanceSummary; tensorrt?: string }
  | { kind: 'times'; iterations: IterationTiming[]; stats?: TraceSummary }
  | { kind: 'profile'; profile: EngineProfile }
  | { kind: 'layers'; info: EngineLayerInfo }
  | { kind: 'build-log'; log: BuildLogSummary; tensorrt?: string }
  | { kind: 'output'; tensors: ExportedTensor[] };

/** Options of `parseTrtexecText` and `readTrtexecFile`. */
export interface ParseTrtexecOptions {
  /** The kind to read the file as. Default `auto`: detected from the content. */
  kind?: TrtexecFileKind | 'auto';
  /** Percentiles for the statistics of a `--exportTimes` trace. Default 90, 95, 99 (trtexec's default). */
  percentiles?: readonly number[];
}

export interface ParsedTrtexecText {
  /** True when the kind was detected rather than given. */
  detected: boolean;
  parsed: ParsedTrtexecFile;
}

function tensorrtVersion(text: string): string | undefined {
  const v = parseTrtVersion(text);
  return v ? `${v.major}.${v.minor}.${v.patch}` : undefined;
}

function parseAs(kind: TrtexecFileKind, text: string, percentiles?: readonly number[]): ParsedTrtexecFile {
  switch (kind) {
    case 'summary': {
      const parsed: ParsedTrtexecFile = { kind, summary: parsePerformanceSummary(text) };
      const version = tensorrtVersion(text);
      if (version) parsed.tensorrt = version;
      return parsed;
    }
    case 'times': {
      const iterations = parseExportTimes(text);
      return iterations.length > 0
        ? { kind, iterations, stats: summarizeTimes(iterations, percentiles) }
        : { kind, iterations };
    }
    case 'profile':
      return { kind, profile: parseExportProfile(text) };
    case 'layers':
      return { kind, info: parseLayerInfo(text) };
    case 'build-log': {
      const parsed: ParsedTrtexecFile = { kind, log: parseBuildLog(text) };
      const version = tensorrtVersion(text);
      if (version) parsed.tensorrt = version;
      return parsed;
    }
    case 'output':
      return { kind, tensors: parseExportOutput(text) };
  }
}

/**
 * Parses the text of any trtexec output file: a given kind, or the kind detected from the content. A file that
 * is recognisably of another kind than the one given is refused (`WRONG_FILE_KIND`) rather than misread. A log
 * with a performance summary is read as a `summary` unless `build-log` is asked for.
 */
export function parseTrtexecText(text: string, options: ParseTrtexecOptions = {}): ParsedTrtexecText {
  const asked = options.kind ?? 'auto';
  const detected = detectTrtexecKind(text);
  if (asked === 'auto') {
    if (!detected.kind) {
      throw text.trim().length === 0 ? emptyFileError('any') : wrongKindError('any', detected.found);
    }
    return { detected: true, parsed: parseAs(detected.kind, text, options.percentiles) };
  }
  // A run log holds the build too, so a summary log may be read as a build log; no other kind mixes.
  const compatible = asked === detected.kind || (asked === 'build-log' && detected.kind === 'summary');
  if (detected.kind && !compatible) {
    const hint =
      asked === 'summary' && detected.kind === 'build-log'
        ? 'the log has no "=== Performance summary ===" (the run failed, was cut short, or used --skipInference)'
        : '';
    throw wrongKindError(asked, detected.kind, hint);
  }
  return { detected: false, parsed: parseAs(asked, text, options.percentiles) };
}

/** What `readTrtexecFile` returns. */
export interface TrtexecFileResult extends ParsedTrtexecText {
  file: string;
}

/**
 * Reads and parses a trtexec output file (see `parseTrtexecText`). Every problem with the file (unreadable,
 * empty, UTF-16, binary, truncated, another kind) is a typed error that names the file.
 */
export async function readTrtexecFile(file: string, options: ParseTrtexecOptions = {}): Promise<TrtexecFileResult> {
  // Regular files only: a FIFO would block the read forever (readRegularFile refuses it at once).
  const bytes: Uint8Array = await readRegularFile(file, 'trtexec output');
  const asked = options.kind ?? 'auto';
  return parsingFile(file, () => ({
    file,
    ...parseTrtexecText(decodeTrtexecBytes(bytes, asked === 'auto' ? 'any' : asked), options),
  }));
}
