/**
 * The crash probe: runs a model once in a child process, with the session options and feeds the runner is about
 * to use, so that a native crash inside ONNX Runtime (a segfault in a kernel) kills the child, not the CLI. When
 * the child dies, it bisects the model in further children (prefixes of the graph cut at node outputs) to name
 * the first node whose execution kills it. Verdicts are cached on disk per (model bytes, stack, session options,
 * feed types and shapes, ONNX Runtime version): the cost is paid once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@tamkit/common';
import {
  decodeModel,
  encodeModel,
  keepNodePrefix,
  type ModelProto,
  nodesInOrder,
  readModel,
} from '@tamkit/graph-surgery';
import type { InferenceSession } from 'onnxruntime-node';
import type { CrashSite } from '../errors.js';
import type { Feeds } from '../types.js';
import { type CrashProbeReply, type CrashProbeRequest, encodeFeeds } from './crash-probe-protocol.js';
import { parseOrtLog, significantLines } from './ort-log.js';
import { runProcess } from './run-process.js';

/** The node a crash was traced to. */
export type CrashingNode = CrashSite;

/** What running the model in a child showed. */
export type CrashVerdict =
  | { crashed: false }
  | {
      crashed: true;
      /** How the child ended: `signal SIGSEGV`, `exit code 134`. */
      exit: string;
      /** The last things ORT (or the dying process) wrote on stderr. */
      lastWords: string[];
      /** The first node whose prefix crashes, when bisection found one. */
      node?: CrashingNode;
      /** Why no node was named (bisection off, or every prefix ran). */
      unlocated?: string;
      /** Where it died: creating the session (ONNX Runtime's graph optimisations) or running the feeds. */
      phase: CrashPhase;
    };

/** `session`: while ONNX Runtime created the session (graph optimisations); `run`: while it ran the feeds. */
export type CrashPhase = 'session' | 'run';

export interface CrashProbeOptions {
  /** The onnxruntime-node package directory the child loads. */
  ortPackage: string;
  ortVersion: string;
  stack: string;
  /** The model as the runner loads it: its file, or bytes (a precision plan applied in memory). */
  source: string | Uint8Array;
  sessionOptions: InferenceSession.SessionOptions;
  /** The feeds to run once; absent, the child only creates the session (the `session` phase). */
  feeds?: Feeds;
  /**
   * `crashProbeModelDigest(source)`, when the caller has it already (a runner probes session creation and the
   * first run of one model: the file is read and hashed once, not per probe).
   */
  modelDigest?: string;
  /** Verdict cache directory (default: `defaultCrashProbeCacheDir()`). */
  cacheDir?: string;
  /** Bisect to the crashing node when the whole model crashes (default true). */
  locate?: boolean;
  /** Time allowed each child (default 300 s). A child that runs out of time is no verdict: nothing is cached. */
  timeoutMs?: number;
}

/** `$TAMKIT_CRASH_PROBE_CACHE`, else `$XDG_CACHE_HOME/tamkit/crash-probe`, else `~/.cache/tamkit/crash-probe`. */
export function defaultCrashProbeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAMKIT_CRASH_PROBE_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tamkit', 'crash-probe');
}

/** Signals and exit codes of a process that died rather than finished (abort is 134, segfault 139 from a shell). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGTRAP', 'SIGSYS']);

function childCommand(): string[] {
  const built = new URL('./crash-probe-child.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return [fileURLToPath(built)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return ['--conditions=source', '--import', tsx, fileURLToPath(new URL('./crash-probe-child.ts', import.meta.url))];
}

type ChildOutcome =
  | { kind: 'ran' }
  | { kind: 'error'; message: string }
  | { kind: 'crashed'; exit: string; lastWords: string[] }
  | { kind: 'no-verdict'; exit: string };

async function runChild(request: CrashProbeRequest, timeoutMs: number): Promise<ChildOutcome> {
  const result = await runProcess(process.execPath, [...childCommand(), JSON.stringify(request)], { timeoutMs });
  try {
    const reply = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as CrashProbeReply;
    return reply.ran ? { kind: 'ran' } : { kind: 'error', message: reply.error ?? 'unknown error' };
  } catch {
    const signal = /^signal (\w+)$/.exec(result.exit)?.[1];
    // Exit code 1 without a reply is the child's own JavaScript failing (no verdict), not ONNX Runtime dying.
    const died = signal === undefined ? /^exit code (134|139)$/.test(result.exit) : CRASH_SIGNALS.has(signal);
    if (!died) return { kind: 'no-verdict', exit: result.exit };
    const lastWords = significantLines(parseOrtLog(result.stderr)).slice(-3);
    return { kind: 'crashed', exit: result.exit, lastWords };
  }
}

/** SHA-256 of the model bytes a probe runs (hex): what the verdict cache is keyed on. */
export async function crashProbeModelDigest(source: string | Uint8Array): Promise<string> {
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  return createHash('sha256').update(bytes).digest('hex');
}

function cacheKey(options: CrashProbeOptions, modelDigest: string): string {
  const { logSeverityLevel: _log, ...session } = options.sessionOptions;
  const feeds =
    options.feeds === undefined
      ? 'session only'
      : Object.entries(options.feeds).map(([name, t]) => [name, t.type, t.dims]);
  return createHash('sha256')
    .update(modelDigest)
    .update(JSON.stringify({ stack: options.stack, ort: options.ortVersion, session, feeds }))
    .digest('hex');
}

/**
 * Runs the model once in a child and returns whether ONNX Runtime crashed there; never throws for a crash (the
 * caller decides). A model that fails with an ordinary error is not a crash: the in-process run reports it.
 */
export async function probeForCrash(options: CrashProbeOptions): Promise<CrashVerdict> {
  const modelDigest = options.modelDigest ?? (await crashProbeModelDigest(options.source));
  const cacheDir = options.cacheDir ?? defaultCrashProbeCacheDir();
  const cacheFile = join(cacheDir, `${cacheKey(options, modelDigest)}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as CrashVerdict;
  } catch {
    // Not probed yet (or an unreadable entry, probed again and overwritten).
  }
  const dir = await mkdtemp(join(tmpdir(), 'tamkit-crash-probe-'));
  try {
    let feeds: string | undefined;
    if (options.feeds !== undefined) {
      feeds = join(dir, 'feeds.bin');
      await writeFile(feeds, encodeFeeds(options.feeds));
    }
    let model = typeof options.source === 'string' ? options.source : join(dir, 'model.onnx');
    if (typeof options.source !== 'string') await writeFile(model, options.source);
    const base = {
      ortPackage: options.ortPackage,
      sessionOptions: options.sessionOptions,
      ...(feeds === undefined ? {} : { feeds }),
    };
    const timeoutMs = options.timeoutMs ?? 300_000;
    const whole = await runChild({ ...base, model }, timeoutMs);
    if (whole.kind === 'no-verdict') return { crashed: false };
    let verdict: CrashVerdict = { crashed: false };
    if (whole.kind === 'crashed') {
      verdict = {
        crashed: true,
        exit: whole.exit,
        lastWords: whole.lastWords,
        phase: options.feeds === undefined ? 'session' : 'run',
      };
      if (options.locate ?? true) {
        model = join(dir, 'prefix.onnx');
        // readModel inlines external data: the prefixes are written where the model's data files are not.
        const whole =
          typeof options.source === 'string' ? await readModel(options.source) : decodeModel(options.source);
        const located = await locateCrash(whole, async (prefix) => {
          await writeFile(model, encodeModel(prefix));
          return (await runChild({ ...base, model }, timeoutMs)).kind === 'crashed';
        });
        verdict = typeof located === 'string' ? { ...verdict, unlocated: located } : { ...verdict, node: located };
      } else {
        verdict = { ...verdict, unlocated: 'bisection was not asked for' };
      }
    }
    try {
      await writeFileAtomic(cacheFile, `${JSON.stringify(verdict)}\n`);
    } catch {
      // A cache that cannot be written (read-only home) costs the next run a probe, never this run its result.
    }
    return verdict;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Binary search over graph prefixes (`keepNodePrefix`) for the shortest one that crashes; its last node is the
 * one. Assumes the whole model crashes and the crash is deterministic; returns a sentence when no prefix crashes
 * (the crash needs the whole graph, e.g. a fusion ORT only makes across the cut).
 */
export async function locateCrash(
  model: ModelProto,
  crashes: (prefix: ModelProto) => Promise<boolean>,
): Promise<CrashingNode | string> {
  const order = nodesInOrder(model);
  let ran = 0;
  let crashed = order.length;
  // Invariant: the prefix of `ran` nodes runs; the prefix of `crashed` nodes crashes (the whole model does).
  while (crashed - ran > 1) {
    const mid = Math.floor((ran + crashed) / 2);
    if (await crashes(keepNodePrefix(model, mid).model)) crashed = mid;
    else ran = mid;
  }
  if (crashed === order.length && !(await crashes(keepNodePrefix(model, order.length).model))) {
    return 'every prefix of the graph ran; only the whole graph crashes (an optimisation across node outputs?)';
  }
  const node = order[crashed - 1]!;
  return { name: node.name ?? '', opType: node.opType ?? '', position: crashed, of: order.length };
}
