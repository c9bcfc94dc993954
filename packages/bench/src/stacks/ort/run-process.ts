import { spawn } from 'node:child_process';

/** How a child process ended and what it wrote. */
export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** `exit code N`, `signal S`, or `could not start: ...`. */
  exit: string;
  ok: boolean;
}

/** Runs a command to its end, collecting its output; never rejects (the result says how it ended). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => resolve({ stdout, stderr, exit: `could not start: ${error.message}`, ok: false }));
    child.on('close', (code, signal) =>
      resolve({ stdout, stderr, exit: signal ? `signal ${signal}` : `exit code ${code}`, ok: code === 0 }),
    );
  });
}
