import { resolve, sep } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { type ProcessResult, type RunProcessOptions, runProcess, tailLines } from './process.js';
import { parseTrtVersion, type TrtVersion } from './version.js';

export const TRTEXEC_REMEDY =
  'Install TensorRT (trtexec ships in its bin/ folder) and put it on PATH, or set TRTEXEC=/path/to/trtexec.';

/** Where to find trtexec. */
export interface TrtexecLocation {
  /** Explicit path (e.g. from --trtexec). Wins over the environment. */
  trtexec?: string;
  /** Environment to read TRTEXEC from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The trtexec to run: the explicit path, else $TRTEXEC, else `trtexec` looked up on PATH. A relative path is made
 * absolute here, because builds run trtexec with the cache entry as working directory.
 */
export function resolveTrtexec(location: TrtexecLocation = {}): string {
  const env = location.env ?? process.env;
  const file = location.trtexec ?? (env.TRTEXEC && env.TRTEXEC.length > 0 ? env.TRTEXEC : 'trtexec');
  return file.includes(sep) || file.includes('/') ? resolve(file) : file;
}

/** Options of `runTrtexec`. */
export interface RunTrtexecOptions extends RunProcessOptions, TrtexecLocation {}

/**
 * Runs trtexec with an argument array. Rejects with a ToolkitError when trtexec is missing
 * (EXECUTABLE_NOT_FOUND, exit 4), times out (TRTEXEC_TIMEOUT) or exits non-zero (TRTEXEC_FAILED, with the
 * tail of its log in the message).
 */
export async function runTrtexec(args: readonly string[], options: RunTrtexecOptions = {}): Promise<ProcessResult> {
  const file = resolveTrtexec(options);
  const result = await runProcess(file, args, { ...options, what: 'trtexec', remedy: TRTEXEC_REMEDY });
  const logNote = options.logPath ? ` Full log: ${options.logPath}.` : '';
  if (result.timedOut) {
    throw new ToolkitError(
      'TRTEXEC_TIMEOUT',
      `trtexec did not finish within ${options.timeoutMs} ms and was stopped.${logNote}`,
      {
        remedy: 'Raise the timeout (--timeout), or check the log for a build stuck in tactic timing.',
      },
    );
  }
  if (result.exitCode !== 0) {
    const status = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    throw new ToolkitError('TRTEXEC_FAILED', `trtexec ${status}.${logNote}\n${tailLines(result.output)}`, {
      remedy:
        'Read the lines above (an unsupported flag or ONNX operator is the usual cause); rerun with --print-command to reproduce by hand.',
    });
  }
  return result;
}

/** Asks trtexec for its TensorRT version (`trtexec --help` prints the version banner). */
export async function detectTrtVersion(options: TrtexecLocation & { timeoutMs?: number } = {}): Promise<TrtVersion> {
  const file = resolveTrtexec(options);
  // --help exits non-zero on some releases; the banner is printed either way, so the status is not checked.
  const result = await runProcess(file, ['--help'], {
    timeoutMs: options.timeoutMs ?? 60_000,
    what: 'trtexec',
    remedy: TRTEXEC_REMEDY,
    ...(options.env ? { env: options.env } : {}),
  });
  const version = parseTrtVersion(result.output);
  if (!version) {
    throw new ToolkitError('TRT_VERSION_UNKNOWN', `Could not read the TensorRT version from "${file} --help"`, {
      remedy: 'Pass --trt-version 10 or 11 to choose the build path yourself.',
    });
  }
  return version;
}
