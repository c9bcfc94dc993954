import { ToolkitError } from '@tamkit/common';

/** One node execution from an ORT profile. */
export interface ProfiledNodeEvent {
  /** Node name as in the graph ORT ran (after its optimisations), e.g. `/attn/MatMul`. */
  node: string;
  opType: string;
  /** Provider name as ORT writes it, e.g. `CPUExecutionProvider`, `WebGpuExecutionProvider`. */
  provider: string;
  durationUs: number;
  /** Start time in microseconds since the profile began (places the event in a run). */
  startUs: number;
}

/** One `model_run` of the profile: when it started and how long it took, in microseconds. */
export interface ProfiledRun {
  startUs: number;
  durationUs: number;
}

/** A GPU kernel as a provider's kernel tracer records it (ORT builds with CUDA profiling; not the release builds). */
export interface ProfiledKernelEvent {
  name: string;
  durationUs: number;
}

export interface OrtProfile {
  nodeEvents: ProfiledNodeEvent[];
  /** Number of `model_run` events: the runs the profile covers. */
  runs: number;
  /** Each `model_run` event: the wall time of each run as ORT measured it, in order. */
  runWindows: ProfiledRun[];
  /** `cat: "Kernel"` events (GPU kernels); empty unless the provider was built with kernel tracing. */
  kernelEvents: ProfiledKernelEvent[];
}

const KERNEL_SUFFIX = '_kernel_time';

interface TraceEvent {
  cat?: unknown;
  name?: unknown;
  dur?: unknown;
  ts?: unknown;
  args?: { op_name?: unknown; provider?: unknown };
}

/**
 * Parses the Chrome-trace JSON that ONNX Runtime writes when `enableProfiling` is set: an array of events (or an
 * object with `traceEvents`). Node executions are `cat: "Node"` events named `<node>_kernel_time` whose `args`
 * carry `op_name` and `provider`; `model_run` session events count the runs and give their wall time; `Kernel`
 * events (GPU kernels, from builds with a kernel tracer) are kept apart; fence and other events are ignored. Pure:
 * text in, typed result out; malformed text throws a typed error.
 */
export function parseOrtProfile(text: string, source = 'ORT profile'): OrtProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ToolkitError('ORT_PROFILE_MALFORMED', `${source} is not valid JSON: ${(error as Error).message}`, {
      remedy: 'The profile may be truncated (the process ended before endProfiling()); rerun the profiling pass.',
    });
  }
  const events = Array.isArray(parsed) ? parsed : (parsed as { traceEvents?: unknown })?.traceEvents;
  if (!Array.isArray(events)) {
    throw new ToolkitError('ORT_PROFILE_MALFORMED', `${source} holds no trace event array`, {
      remedy: 'Pass the JSON file ONNX Runtime wrote for enableProfiling (a Chrome trace).',
    });
  }
  const nodeEvents: ProfiledNodeEvent[] = [];
  const runWindows: ProfiledRun[] = [];
  const kernelEvents: ProfiledKernelEvent[] = [];
  const duration = (raw: TraceEvent) => (typeof raw.dur === 'number' && Number.isFinite(raw.dur) ? raw.dur : 0);
  const start = (raw: TraceEvent) => (typeof raw.ts === 'number' && Number.isFinite(raw.ts) ? raw.ts : 0);
  for (const raw of events as TraceEvent[]) {
    if (raw === null || typeof raw !== 'object') continue;
    if (raw.cat === 'Session' && raw.name === 'model_run')
      runWindows.push({ startUs: start(raw), durationUs: duration(raw) });
    if (raw.cat === 'Kernel' && typeof raw.name === 'string')
      kernelEvents.push({ name: raw.name, durationUs: duration(raw) });
    if (raw.cat !== 'Node' || typeof raw.name !== 'string' || !raw.name.endsWith(KERNEL_SUFFIX)) continue;
    const opType = raw.args?.op_name;
    const provider = raw.args?.provider;
    if (typeof opType !== 'string' || typeof provider !== 'string') continue;
    nodeEvents.push({
      node: raw.name.slice(0, -KERNEL_SUFFIX.length),
      opType,
      provider,
      durationUs: duration(raw),
      startUs: start(raw),
    });
  }
  runWindows.sort((a, b) => a.startUs - b.startUs);
  return { nodeEvents, runs: runWindows.length, runWindows, kernelEvents };
}
