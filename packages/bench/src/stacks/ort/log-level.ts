/** ONNX Runtime's log levels, as `ort.env.logLevel` spells them (most to least verbose). */
export const ORT_LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
export type OrtLogLevel = (typeof ORT_LOG_LEVELS)[number];

/** A session's `logSeverityLevel` (0 verbose ... 4 fatal) for a log level. */
export function severityOf(level: OrtLogLevel): 0 | 1 | 2 | 3 | 4 {
  return ORT_LOG_LEVELS.indexOf(level) as 0 | 1 | 2 | 3 | 4;
}
