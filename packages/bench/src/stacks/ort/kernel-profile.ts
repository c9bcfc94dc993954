/**
 * Where a module's time goes, from one ORT profiling trace (the same trace placement is judged from): per run,
 * the wall time, the node executions per provider with their op types, the time outside any node (scheduling,
 * allocation, synchronisation), the copies ORT inserted between providers (Memcpy nodes), the slowest nodes, and
 * GPU kernels when the provider was built with a kernel tracer. On the CUDA provider a node's time is the host
 * side of its launch (kernels run asynchronously), so node time short of wall time points at waits; at batch 1
 * the count of nodes per run is the count of launches. Pure.
 */
import type { Placement } from '../../report/schema.js';
import { summarisePlacement } from './placement.js';
import type { OrtProfile, ProfiledNodeEvent } from './profile-trace.js';

/** Node executions of one op type, per run. */
export interface OpTypeShare {
  opType: string;
  nodesPerRun: number;
  msPerRun: number;
}

/** What one provider ran, per run. */
export interface ProviderKernels {
  provider: string;
  nodesPerRun: number;
  msPerRun: number;
  /** By op type, most time first. */
  opTypes: OpTypeShare[];
}

export interface KernelProfile {
  /** The provider asked for, as ORT's profiler names it. */
  requested: string;
  /** Runs summarised (after the skipped warm-up runs). */
  runs: number;
  skippedRuns: number;
  /** Mean wall time of a run (`model_run`), ms. */
  wallMsPerRun: number;
  /** Node executions per run (= kernel launches on a GPU provider at batch 1, copies included). */
  nodesPerRun: number;
  /** Time inside nodes per run, ms (host-side on asynchronous GPU providers). */
  nodeMsPerRun: number;
  /** Wall time not spent inside any node, ms: executor overhead, allocation, waiting for the device. */
  outsideNodesMsPerRun: number;
  /** Requested provider first, then the others by time. */
  providers: ProviderKernels[];
  /** Nodes that ran on another provider than the requested one, by op type (shape arithmetic on CPU, fallbacks). */
  elsewhere: OpTypeShare[];
  /** Copies between providers ORT inserted (MemcpyToHost / MemcpyFromHost nodes). */
  memcpy: { nodesPerRun: number; msPerRun: number; nodes: string[] };
  /** GPU kernels per run and their device time, when the trace has kernel events. */
  gpuKernels?: { perRun: number; msPerRun: number };
  /** The ten nodes with the most time per run. */
  slowestNodes: { node: string; opType: string; provider: string; msPerRun: number }[];
  placement: Placement;
}

/** Options of `summariseKernels`. */
export interface SummariseKernelsOptions {
  /** Leading runs to leave out (lazy initialisation, cuDNN algorithm search). Default 0. */
  skipRuns?: number;
}

function byOpType(events: readonly ProfiledNodeEvent[], runs: number): OpTypeShare[] {
  const map = new Map<string, { n: number; us: number }>();
  for (const e of events) {
    const entry = map.get(e.opType) ?? { n: 0, us: 0 };
    entry.n += 1;
    entry.us += e.durationUs;
    map.set(e.opType, entry);
  }
  return [...map.entries()]
    .map(([opType, { n, us }]) => ({ opType, nodesPerRun: n / runs, msPerRun: us / runs / 1000 }))
    .sort((a, b) => b.msPerRun - a.msPerRun || b.nodesPerRun - a.nodesPerRun);
}

const isMemcpy = (opType: string) => opType === 'MemcpyToHost' || opType === 'MemcpyFromHost';

/** Summarises a trace (see the module comment). `requested` is the provider name as ORT's profiler writes it. */
export function summariseKernels(
  profile: OrtProfile,
  requested: string,
  options: SummariseKernelsOptions = {},
): KernelProfile {
  const skip = Math.min(options.skipRuns ?? 0, Math.max(0, profile.runWindows.length - 1));
  const windows = profile.runWindows.slice(skip);
  const inWindow = (startUs: number) =>
    windows.some((w) => startUs >= w.startUs && startUs <= w.startUs + w.durationUs);
  // A trace without run events (hand-written, or cut short) counts as one run of everything in it.
  const events = windows.length > 0 ? profile.nodeEvents.filter((e) => inWindow(e.startUs)) : profile.nodeEvents;
  // Kernel events carry the device's clock: counted over all runs rather than placed in run windows.
  const kernels = profile.kernelEvents;
  const runs = Math.max(1, windows.length);
  const ms = (us: number) => us / runs / 1000;
  const sum = (list: readonly { durationUs: number }[]) => list.reduce((s, e) => s + e.durationUs, 0);
  const wallMsPerRun = windows.length > 0 ? ms(sum(windows)) : ms(sum(events));
  const nodeMsPerRun = ms(sum(events));
  const providerNames = [...new Set(events.map((e) => e.provider))];
  const providers = providerNames
    .map((provider) => {
      const mine = events.filter((e) => e.provider === provider);
      return { provider, nodesPerRun: mine.length / runs, msPerRun: ms(sum(mine)), opTypes: byOpType(mine, runs) };
    })
    .sort((a, b) => Number(b.provider === requested) - Number(a.provider === requested) || b.msPerRun - a.msPerRun);
  const copies = events.filter((e) => isMemcpy(e.opType));
  const perNode = new Map<string, { opType: string; provider: string; us: number }>();
  for (const e of events) {
    const entry = perNode.get(e.node) ?? { opType: e.opType, provider: e.provider, us: 0 };
    entry.us += e.durationUs;
    perNode.set(e.node, entry);
  }
  return {
    requested,
    runs,
    skippedRuns: skip,
    wallMsPerRun,
    nodesPerRun: events.length / runs,
    nodeMsPerRun,
    outsideNodesMsPerRun: Math.max(0, wallMsPerRun - nodeMsPerRun),
    providers,
    elsewhere: byOpType(
      events.filter((e) => e.provider !== requested && !isMemcpy(e.opType)),
      runs,
    ),
    memcpy: {
      nodesPerRun: copies.length / runs,
      msPerRun: ms(sum(copies)),
      nodes: [...new Set(copies.map((e) => e.node))],
    },
    ...(kernels.length > 0
      ? {
          gpuKernels: {
            perRun: kernels.length / Math.max(1, profile.runs),
            msPerRun: sum(kernels) / Math.max(1, profile.runs) / 1000,
          },
        }
      : {}),
    slowestNodes: [...perNode.entries()]
      .map(([node, e]) => ({ node, opType: e.opType, provider: e.provider, msPerRun: ms(e.us) }))
      .sort((a, b) => b.msPerRun - a.msPerRun)
      .slice(0, 10),
    placement: summarisePlacement({ ...profile, nodeEvents: events, runs }, requested),
  };
}
