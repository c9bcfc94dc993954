import { ToolkitError } from '@tamkit/common';
import { RunnerErrorCode } from '../errors.js';
import { ORT_LOG_LEVELS, type OrtLogLevel, severityOf } from './log-level.js';

/** The onnxruntime-node module, loaded on first use so that importing bench never loads native code. */
export type OrtModule = typeof import('onnxruntime-node');

let logLevel: OrtLogLevel = 'error';
let loaded: OrtModule | undefined;
let loading: Promise<OrtModule> | undefined;

/**
 * How much ONNX Runtime logs to stderr, for the process-wide environment and for every session bench creates.
 * Default `error`: ORT's warnings (e.g. ScatterND, unused initializers) never interleave with tables; `--verbose`
 * sets `verbose`. onnxruntime-node reads `env.logLevel` once, when the first session is created, and a session's
 * own `logSeverityLevel` does not cover what ORT logs while it loads a provider library: call this before the
 * first session (the CLIs do it while parsing arguments).
 */
export function setOrtLogLevel(level: OrtLogLevel): void {
  if (!(ORT_LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(`ORT log level must be one of ${ORT_LOG_LEVELS.join(', ')}, got ${String(level)}`);
  }
  logLevel = level;
  if (loaded !== undefined) loaded.env.logLevel = level;
}

/** The log level set by `setOrtLogLevel` (default `error`). */
export function ortLogLevel(): OrtLogLevel {
  return logLevel;
}

/** The session `logSeverityLevel` (0 verbose ... 4 fatal) matching `ortLogLevel()`. */
export function ortSessionSeverity(): 0 | 1 | 2 | 3 | 4 {
  return severityOf(logLevel);
}

/** Loads onnxruntime-node once. Throws a typed error (with remedy) when the package or its binding is missing. */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').then(
    (ort) => {
      // Before any session exists: onnxruntime-node hands env.logLevel to ORT's environment on the first one.
      ort.env.logLevel = logLevel;
      loaded = ort;
      return ort;
    },
    (error: unknown) => {
      loading = undefined;
      throw new ToolkitError(RunnerErrorCode.Unavailable, `onnxruntime-node could not be loaded: ${String(error)}`, {
        remedy:
          'Install dependencies with `node scripts/pnpm.mjs install`; onnxruntime-node ships Linux x64/arm64 builds.',
        cause: error,
      });
    },
  );
  return loading;
}

/** The ONNX Runtime version reported by the loaded package, or undefined when it cannot load. */
export async function ortVersion(): Promise<string | undefined> {
  try {
    const ort = await loadOrt();
    return ort.env.versions.node ?? ort.env.versions.common;
  } catch {
    return undefined;
  }
}
