import { ExitCode, ToolkitError } from '@tamkit/common';

/** Stable error codes raised by runners. */
export const RunnerErrorCode = {
  /** The stack cannot run on this machine (provider missing, no adapter, no trtexec). */
  Unavailable: 'STACK_UNAVAILABLE',
  /** A runner method was called in the wrong state (infer before activate, activate twice). */
  State: 'RUNNER_STATE',
  /** Feeds do not match the model's inputs. */
  BadFeeds: 'RUNNER_BAD_FEEDS',
  /** The model could not be loaded or run by the stack. */
  RunFailed: 'RUNNER_RUN_FAILED',
  /** Compute ops ran on another provider than the one requested. */
  Placement: 'STACK_PARTIAL_PLACEMENT',
  /** The stack does not offer this operation. */
  NotSupported: 'RUNNER_NOT_SUPPORTED',
} as const;

/** A stack that cannot run here. Carries the reason and the remedy the report lists under `unavailable`. */
export class StackUnavailableError extends ToolkitError {
  override readonly name = 'StackUnavailableError';
  readonly stackName: string;
  readonly reason: string;

  constructor(stack: string, reason: string, remedy: string, cause?: unknown) {
    super(RunnerErrorCode.Unavailable, `Stack ${stack} is unavailable: ${reason}`, {
      remedy,
      cause,
      exitCode: ExitCode.Unavailable,
    });
    this.stackName = stack;
    this.reason = reason;
  }
}

/** Misuse of the Runner life cycle by the caller. */
export function runnerStateError(stack: string, message: string): ToolkitError {
  return new ToolkitError(RunnerErrorCode.State, `${stack} runner: ${message}`, {
    remedy: 'Call activate(model) once, then infer(feeds) any number of times, then deactivate().',
  });
}

/** Turns whatever a native library threw into a message that names the stack and the model. */
export function describeCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // ORT messages start with the C++ source location and the failed check; the last line, after the check, is
  // the part a user can act on ("Failed to get a WebGPU adapter: No supported adapters").
  const lastLine = text.trim().split('\n').at(-1) ?? text;
  return lastLine.replace(/^\S+\.(?:cc|cpp|h):\d+ .*? was false\. /, '');
}
