import { basename } from 'node:path';
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
  /** The runtime crashes natively on this model (caught in a child process by the crash probe). */
  NativeCrash: 'NATIVE_CRASH',
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

/** Where a native crash was traced to (the crash probe's bisection), as `NativeCrashError` reports it. */
export interface CrashSite {
  name: string;
  opType: string;
  /** 1-based position in topological order, and the node count. */
  position: number;
  of: number;
}

/**
 * The runtime dies natively (a signal such as SIGSEGV) running this model on this stack: seen in a child process
 * by the crash probe, so this process lives to say so. Names the module, the stack, the signal and, when
 * bisection found it, the first node whose execution crashes.
 */
export class NativeCrashError extends ToolkitError {
  override readonly name = 'NativeCrashError';
  readonly stackName: string;
  readonly modelPath: string;
  /** How the probe child ended: `signal SIGSEGV`. */
  readonly exit: string;
  readonly node: CrashSite | undefined;

  /** Where it died: creating the session (ONNX Runtime's graph optimisations) or running the model. */
  readonly phase: 'session' | 'run';

  constructor(
    stack: string,
    modelPath: string,
    exit: string,
    node: CrashSite | undefined,
    detail: string[] = [],
    phase: 'session' | 'run' = 'run',
  ) {
    const module = basename(modelPath);
    const doing = phase === 'session' ? 'optimising the graph of' : 'running';
    // A crash in graph optimisation goes away at a lower level (ORT's layout transformers run at 'all' only).
    const lower =
      phase === 'session'
        ? 'run it with ONNX Runtime graph optimisation at "extended" (bench `--graph-optimization extended`), '
        : '';
    const where =
      node === undefined
        ? ''
        : `; the first node that crashes it is ${node.opType} "${node.name}" (node ${node.position} of ${node.of})`;
    const keep =
      node === undefined
        ? 'keep the failing op in FP32 (`track-eval bisect` finds which)'
        : `keep it in FP32 (\`graph-surgery fp32-islands --fp32-nodes "${node.name}"\` or \`fp16 --fp32-ops ${node.opType}\`)`;
    super(
      RunnerErrorCode.NativeCrash,
      `${stack}: ONNX Runtime crashes natively (${exit}) ${doing} ${module} (${modelPath})${where}` +
        (detail.length > 0 ? `. Note: ${detail.join(' | ')}` : ''),
      {
        remedy:
          `Run ${module} on another stack (e.g. --stack ort-webgpu or ort-cuda), ${lower}${keep}, ` +
          'or convert without `fp16 --convert-all` so ops a stack is known to fail on stay FP32. The check ran in a ' +
          'child process; --no-crash-probe skips it (the crash then ends this process).',
        exitCode: ExitCode.NativeCrash,
      },
    );
    this.stackName = stack;
    this.modelPath = modelPath;
    this.exit = exit;
    this.node = node;
    this.phase = phase;
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
