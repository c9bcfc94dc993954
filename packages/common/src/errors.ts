/**
 * Errors shared by every tamkit package.
 *
 * A `ToolkitError` is the user's to fix (bad input, missing tool, wrong option): it carries a stable `code`, a
 * message that says what failed and where, and a `remedy` that says how to fix it. Anything else that escapes is
 * a bug in the toolkit and is reported as an `InternalError`.
 */
export class ToolkitError extends Error {
  override readonly name: string = 'ToolkitError';
  /** Stable machine-readable identifier, e.g. `ONNX_TRUNCATED`. */
  readonly code: string;
  /** What the user can do about it. */
  readonly remedy: string | undefined;
  /** The process exit code a CLI maps this error to. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { remedy?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remedy = options.remedy;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
  }

  /** The message followed by the remedy, as a CLI prints it. */
  describe(): string {
    return this.remedy ? `${this.message}\n  Note: ${this.remedy}` : this.message;
  }
}

/** A command-line usage mistake (unknown option, missing argument). */
export class UsageError extends ToolkitError {
  override readonly name = 'UsageError';
  constructor(message: string, remedy?: string) {
    super('USAGE', message, { remedy: remedy ?? 'Run the command with --help for usage.', exitCode: ExitCode.Usage });
  }
}

/** A broken invariant inside the toolkit: never the user's fault. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

/**
 * Process exit codes used by every CLI in the toolkit.
 * | code | meaning |
 * | 0 | success |
 * | 1 | failure (bad input, tool missing, run failed) |
 * | 2 | usage error |
 * | 3 | a benchmark regression was detected |
 * | 4 | a stack is unavailable on this machine |
 * | 5 | `bench compare`: too noisy to judge (no regression found, but a pair could not be judged) |
 * | 6 | a native crash inside a runtime (ONNX Runtime), caught in a child process by the crash probe |
 * | 70 | internal error (a bug: please report it) |
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Regression: 3,
  Unavailable: 4,
  TooNoisy: 5,
  NativeCrash: 6,
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
