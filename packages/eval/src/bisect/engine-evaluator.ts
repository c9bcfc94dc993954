/**
 * Candidate evaluation through engine-builder: the candidate is a precision plan (FP16, these nodes pinned FP32)
 * built into a TensorRT engine by `buildEngine` (TensorRT 10: layer precisions; TensorRT 11: FP32 islands in the
 * graph) and run by trtexec on the same inputs. Needs trtexec and a GPU: without them `buildEngine` fails with
 * engine-builder's "trtexec not found" error and its remedy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feeds } from '@tamkit/bench';
import { buildEngine, type PrecisionPlan, timeEngine } from '@tamkit/engine-builder';
import type { HostTensor } from '../fidelity/compare-outputs.js';
import { toHostTensor } from '../fidelity/host-tensors.js';
import type { CandidateEvaluator } from './layer-bisect.js';

/** Options of `createEngineEvaluator`. */
export interface EngineEvaluatorOptions {
  /** The FP32 ONNX module. */
  modelPath: string;
  /** Inputs (host tensors); written as raw files for trtexec --loadInputs. */
  feeds: Feeds;
  /** engine-builder cache directory (engines of repeated candidates are reused). */
  cacheDir: string;
  /** Path of trtexec (default: engine-builder's lookup: TRTEXEC, then PATH). */
  trtexec?: string;
  /** Per-build and per-run limit in ms (default 30 minutes). */
  timeoutMs?: number;
}

/** The plan of one candidate. */
export function candidatePlan(fp32Nodes: readonly string[]): PrecisionPlan {
  return {
    schemaVersion: 1,
    defaultPrecision: 'fp16',
    ...(fp32Nodes.length ? { pinFp32: { nodes: [...fp32Nodes] } } : {}),
    note: 'track-eval bisect candidate',
  };
}

/** A `CandidateEvaluator` that builds and runs TensorRT engines. */
export function createEngineEvaluator(options: EngineEvaluatorOptions): CandidateEvaluator {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const shapes = Object.fromEntries(Object.entries(options.feeds).map(([n, t]) => [n, [...t.dims]]));
  return async (fp32Nodes, timedRuns) => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-bisect-engine-'));
    try {
      const loadInputs: Record<string, string> = {};
      for (const [name, tensor] of Object.entries(options.feeds)) {
        const file = join(dir, `${Object.keys(loadInputs).length}.bin`);
        const data = tensor.data as ArrayBufferView;
        await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        loadInputs[name] = file;
      }
      const built = await buildEngine(options.modelPath, {
        plan: candidatePlan(fp32Nodes),
        cacheDir: options.cacheDir,
        trtexec: options.trtexec,
        shapes: { min: shapes, opt: shapes, max: shapes },
        timeoutMs,
      });
      const timing = await timeEngine(built.enginePath, {
        trtexec: options.trtexec,
        shapes,
        loadInputs,
        outputs: true,
        iterations: Math.max(1, timedRuns ?? 1),
        timeoutMs,
      });
      const outputs: Record<string, HostTensor> = {};
      for (const t of timing.outputs ?? []) {
        outputs[t.name] = toHostTensor({ type: 'float32', dims: t.dimensions, data: Float32Array.from(t.values) });
      }
      return { outputs, latencyMs: timing.summary.gpuComputeTime.median };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
