/**
 * Starts an ONNX Runtime provider in a child process and reports what happened, with what ORT logged. A provider
 * that fails to load throws only "Failed to load shared library" in onnxruntime-node; the reason (which library is
 * missing) is in what ORT logs on stderr while loading it, and a session's log level does not silence that. In a
 * child, those lines are captured for our typed errors instead of interleaving with our output, and a provider
 * that crashes the process (a library built for another ONNX Runtime) takes only the child down.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeCause } from '../errors.js';
import type { OrtLogLevel } from './log-level.js';
import { parseOrtLog, significantLines } from './ort-log.js';
import type { ProbeInput, ProviderProbeReply, ProviderProbeRequest } from './provider-probe-protocol.js';
import { runProcess } from './run-process.js';
import { encodeTinyModel, type TinyModel } from './tiny-model.js';

/** What a probe found: the child's reply plus what ORT (or the dying process) said on stderr. */
export interface ProviderProbeResult extends ProviderProbeReply {
  /** ORT's warning and error lines (cleaned), and any last words of a crashed child. */
  ortLog: string[];
  /** How the child ended when it gave no reply: exit code or signal. */
  exit?: string;
}

/** Options of `probeProviderInChild`. */
export interface ProviderProbeOptions {
  /** The onnxruntime-node package directory to load in the child. */
  ortPackage: string;
  backend: string;
  /** A model every node of which the provider can run (default: y = Relu(x), float32 [1, 4]). */
  model?: TinyModel;
  /** Float32 inputs by name (default: the Relu model's x). */
  inputs?: Record<string, ProbeInput>;
  /** Also run on the CPU provider and report the largest difference (default false). */
  compareWithCpu?: boolean;
  /** ORT log level in the child (default `warning`: load failures are logged at error level, skew at warning). */
  logLevel?: OrtLogLevel;
  /** Environment of the child (default: this process's; LD_LIBRARY_PATH decides where CUDA libraries come from). */
  env?: NodeJS.ProcessEnv;
  /** Give up after this long (default 120 s: the first CUDA session on a big GPU can take a while). */
  timeoutMs?: number;
}

const RELU: TinyModel = {
  inputs: [{ name: 'x', elemType: 1, dims: [1, 4] }],
  outputs: [{ name: 'y', elemType: 1, dims: [1, 4] }],
  nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
};

/** The built child next to this module, or the TypeScript source run through tsx (tests, `--conditions=source`). */
function childCommand(): string[] {
  const built = new URL('./provider-probe-child.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return [fileURLToPath(built)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return ['--conditions=source', '--import', tsx, fileURLToPath(new URL('./provider-probe-child.ts', import.meta.url))];
}

/** Runs the probe in a child process; never throws for a provider that fails (the result says why). */
export async function probeProviderInChild(options: ProviderProbeOptions): Promise<ProviderProbeResult> {
  const request: ProviderProbeRequest = {
    ortPackage: options.ortPackage,
    backend: options.backend,
    logLevel: options.logLevel ?? 'warning',
    model: Buffer.from(encodeTinyModel(options.model ?? RELU)).toString('base64'),
    inputs: options.inputs ?? { x: { dims: [1, 4], data: [-1, 0.5, 2, -3] } },
    compareWithCpu: options.compareWithCpu ?? false,
  };
  const result = await runProcess(process.execPath, [...childCommand(), JSON.stringify(request)], {
    env: options.env ?? process.env,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  const ortLog = significantLines(parseOrtLog(result.stderr));
  try {
    const reply = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as ProviderProbeReply;
    return { ...reply, ortLog };
  } catch {
    return { started: false, libraries: [], ortLog, exit: result.exit };
  }
}

/** One sentence for a failed probe: the thrown error, then what ORT said, then how the child ended. */
export function describeProbeFailure(result: ProviderProbeResult): string {
  const parts: string[] = [];
  const error = result.error === undefined ? undefined : describeCause(result.error).replace(/\.$/, '');
  if (error) parts.push(error);
  const log = result.ortLog.filter((line) => line !== result.error?.trim());
  if (log.length > 0) parts.push(`the provider logged: ${log.join(' | ')}`);
  if (result.exit && !result.error) parts.push(`the probe process ended without a reply (${result.exit})`);
  return parts.join('; ') || 'the provider did not start (no error reported)';
}
