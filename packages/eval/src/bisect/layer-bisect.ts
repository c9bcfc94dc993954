/**
 * Layer-level bisection inside one module: which candidates (nodes or pattern groups) must stay FP32 for the
 * module's outputs to meet the tolerance against the FP32 reference, everything else in FP16.
 */
import type { ModelProto } from '@tamkit/graph-surgery';
import {
  compareOutputs,
  type HostTensor,
  meetsTolerance,
  type OutputFidelity,
  type Tolerance,
} from '../fidelity/compare-outputs.js';
import type { ModuleRun } from '../fidelity/run-module.js';
import { type Candidate, type FindCandidatesOptions, findCandidates } from './candidates.js';
import { findMinimalSet } from './search.js';

/** Runs the module with exactly these nodes in FP32 (the rest FP16); `timedRuns` > 0 asks for a latency. */
export type CandidateEvaluator = (fp32Nodes: readonly string[], timedRuns?: number) => Promise<ModuleRun>;

/** One evaluation, for progress reports and the result's log. */
export interface BisectEvaluation {
  evaluation: number;
  /** Evaluations the search should need as far as it knows now (grows as culprits are found). */
  estimatedEvaluations: number;
  /** Candidates searched (n). */
  candidates: number;
  /** Candidate labels kept FP32. */
  fp32: string[];
  passes: boolean;
  worstRelativeL2: number;
}

/** Options of `bisectLayers`. */
export interface LayerBisectOptions {
  /** The module's FP32 model (candidates are found in it). */
  model: ModelProto;
  /** Runs a candidate; see `CandidateEvaluator`. */
  evaluate: CandidateEvaluator;
  /** FP32 reference outputs on the same inputs. */
  reference: Readonly<Record<string, HostTensor>>;
  tolerance?: Tolerance;
  /** How candidates are chosen and grouped. */
  candidates?: FindCandidatesOptions;
  /** Timed runs of the final variant for its latency (default 10). */
  timedRuns?: number;
  onEvaluation?: (event: BisectEvaluation) => void;
}

/** What `bisectLayers` found. */
export interface LayerBisectResult {
  /** `found`: `fp32` makes the module meet the tolerance; `unreachable`: even all candidates in FP32 do not. */
  status: 'found' | 'unreachable';
  /** Number of candidates (n). */
  candidates: number;
  /** Candidates that must stay FP32 (1-minimal). */
  fp32: Candidate[];
  /** Their ONNX node names: what the precision plan pins. */
  fp32Nodes: string[];
  /** Distinct candidate evaluations of the search, and its budget for the k found and n. */
  evaluations: number;
  budget: number;
  /** Fidelity of the resulting mixed-precision module against the FP32 reference. */
  fidelity: OutputFidelity[];
  worstRelativeL2: number;
  /** Median latency of the resulting module on the stack, in ms. */
  latencyMs: number;
  log: BisectEvaluation[];
}

/** Runs the search (see `findMinimalSet`) over the module's candidates. */
export async function bisectLayers(options: LayerBisectOptions): Promise<LayerBisectResult> {
  const candidates = findCandidates(options.model, options.candidates);
  const nodesOf = (set: readonly number[]) => set.flatMap((i) => candidates[i]!.nodes);
  const log: BisectEvaluation[] = [];
  let worstRelativeL2 = Number.NaN;
  const search = await findMinimalSet(
    candidates.length,
    async (set) => {
      const run = await options.evaluate(nodesOf(set));
      const verdict = meetsTolerance(compareOutputs(run.outputs, options.reference), options.tolerance);
      worstRelativeL2 = verdict.worstRelativeL2;
      return verdict.ok;
    },
    {
      onEvaluation: ({ evaluation, set, passes, estimate }) => {
        const event: BisectEvaluation = {
          evaluation,
          estimatedEvaluations: estimate,
          candidates: candidates.length,
          fp32: set.map((i) => candidates[i]!.label),
          passes,
          worstRelativeL2,
        };
        log.push(event);
        options.onEvaluation?.(event);
      },
    },
  );
  // The final variant: all candidates when unreachable (the best there is), else the set found.
  const finalSet = search.status === 'found' ? search.set : candidates.map((_, i) => i);
  const fp32Nodes = nodesOf(finalSet);
  const final = await options.evaluate(fp32Nodes, options.timedRuns ?? 10);
  const fidelity = compareOutputs(final.outputs, options.reference);
  return {
    status: search.status,
    candidates: candidates.length,
    fp32: search.set.map((i) => candidates[i]!),
    fp32Nodes: search.status === 'found' ? fp32Nodes : [],
    evaluations: search.evaluations,
    budget: search.budget,
    fidelity,
    worstRelativeL2: meetsTolerance(fidelity, options.tolerance).worstRelativeL2,
    latencyMs: final.latencyMs,
    log,
  };
}
