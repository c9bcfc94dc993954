import { type BuildLogLayer, engineLayerLine } from './build-log-layers.js';
import { emptyFileError, type LogLine, logLines } from './common.js';
import { isTensorRtLog } from './detect.js';
import { wrongKindError } from './errors.js';

export type { BuildLogLayer, BuildLogTensor } from './build-log-layers.js';

/** The tactic chosen for one format combination of a layer during autotuning. */
export interface TacticTrial {
  /** The format combination, e.g. "Float(784,784,28,1) -> Float(25088,784,28,1)". */
  format: string;
  /** `timed`: profiled in this build; `timing-cache`: served from the timing cache ("got cached result"). */
  source: 'timed' | 'timing-cache';
  /** Absent when no runner had a valid tactic for this format (skipped, or the fastest time was inf). */
  runnerType?: string;
  tactic?: string;
  /** Time of the chosen tactic, ms. */
  timeMs?: number;
}

/** One "Computing costs for" block of a verbose build log: a layer's autotuning. */
export interface TacticChoice {
  /** The layer as the builder names it; TensorRT 8.6 prints the block header empty, so it is read from the runners. */
  layer: string;
  trials: TacticTrial[];
  /** The tactic "Engine Layer Information" lists for this layer, when it does (last block of that name only). */
  engineTactic?: string;
  /** The trial whose tactic the engine uses, with its measured time. */
  selected?: TacticTrial;
  /** 1-based line of the block header. */
  line: number;
}

/** What a build log says about how the build ended. */
export type BuildOutcome = 'passed' | 'failed' | 'unfinished' | 'unknown';

export interface BuildLogSummary {
  /**
   * `passed`/`failed`: the `&&&& PASSED`/`&&&& FAILED` line; `unfinished`: a `&&&& RUNNING` line with no end (the
   * log is truncated or the process was killed); `unknown`: no `&&&&` lines (not a trtexec log, e.g. the Python API).
   */
  outcome: BuildOutcome;
  /** The TensorRT version of the `[TensorRT vNNNNNN]` banner, as printed. */
  banner?: string;
  tacticChoices: TacticChoice[];
  engineLayers: BuildLogLayer[];
  warnings: string[];
  /** `[E]`/`[F]` records; unprefixed lines that follow one (an ONNX node dump, a plugin assertion) are joined to it. */
  errors: string[];
}

interface Block {
  choice: TacticChoice;
  trial?: TacticTrial;
  /** Fastest tactic per runner of the current format: "Chose Runner Type" picks one of them. */
  fastest: { runner?: string; tactic: string; timeMs: number }[];
  runner?: string;
}

const COSTS = /^=+ Computing costs for ?(.*)$/;
const FORMAT = /^\*+ Autotuning format combination: (.*?) \*+$/;
const RUNNER = /^-+ Timing Runner: (.*) \((\w+)(?:\[0x[0-9a-f]+\])?\)$/;
// 8.6 and later print it after "NAME (Runner[0x...]) profiling completed in T seconds."; older versions alone.
const FASTEST =
  /(?:^|^(.*) \((\w+)(?:\[0x[0-9a-f]+\])?\) profiling completed in \S+ seconds\. )Fastest Tactic: (\S+) Time: (\S+)$/;
const CHOSE = /^>+ Chose Runner Type: (\S+) Tactic: (\S+)/;
const CACHED = /^(.*) \[([^[\]]*)\] got cached result: (\w+), tactic (\S+), (\S+) ms$/;
// Lines that end the autotuning of a layer without starting another.
const BLOCK_END =
  /^=+ Computing reformatting costs|^Engine Layer Information:|^Total Activation Memory|^Engine generation completed/;
const RECORD_START = /^(\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]|\[[VIWEF]\] |&&&& |\[TRT\] )/;

function toTime(text: string): number | undefined {
  const t = Number(text);
  return Number.isFinite(t) ? t : undefined;
}

function nameBlock(block: Block, name: string | undefined): void {
  if (!block.choice.layer && name) block.choice.layer = name.trim();
}

function onBlockLine(block: Block, line: LogLine): void {
  const t = line.text;
  const format = FORMAT.exec(t);
  if (format) {
    block.trial = { format: format[1]!, source: 'timed' };
    block.choice.trials.push(block.trial);
    block.fastest = [];
    return;
  }
  const runner = RUNNER.exec(t);
  if (runner) {
    nameBlock(block, runner[1]);
    block.runner = runner[2]!;
    return;
  }
  const fastest = FASTEST.exec(t);
  if (fastest) {
    nameBlock(block, fastest[1]);
    const timeMs = toTime(fastest[4]!);
    if (timeMs !== undefined) block.fastest.push({ runner: fastest[2] ?? block.runner, tactic: fastest[3]!, timeMs });
    return;
  }
  const chose = CHOSE.exec(t);
  if (chose && block.trial) {
    const [, runnerType, tactic] = chose as unknown as [string, string, string];
    block.trial.runnerType = runnerType;
    block.trial.tactic = tactic;
    const match =
      block.fastest.find((f) => f.tactic === tactic && f.runner === runnerType) ??
      block.fastest.find((f) => f.tactic === tactic);
    if (match) block.trial.timeMs = match.timeMs;
    return;
  }
  const cached = CACHED.exec(t);
  if (cached) {
    nameBlock(block, cached[1]);
    const trial: TacticTrial = {
      format: cached[2]!,
      source: 'timing-cache',
      runnerType: cached[3]!,
      tactic: cached[4]!,
    };
    const timeMs = toTime(cached[5]!);
    if (timeMs !== undefined) trial.timeMs = timeMs;
    block.choice.trials.push(trial);
    block.trial = undefined;
  }
}

/** "Half:8" per tensor: the element type and vector width, comparable between a format and an engine layer. */
function formatSignature(format: string): string {
  return [...format.matchAll(/(\w+)\(([^)]*)\)/g)].map((m) => `${m[1]}${/:(\d+)/.exec(m[2]!)?.[0] ?? ''}`).join(' ');
}

function layerSignature(layer: BuildLogLayer): string {
  return [...layer.inputs, ...layer.outputs].map((t) => `${t.type}${/:(\d+)/.exec(t.dims)?.[0] ?? ''}`).join(' ');
}

/**
 * Ties each engine layer's tactic back to the last autotuning block of the same layer. When several format
 * combinations chose that tactic (Myelin's is always 0x0), the one whose types and vector widths match the engine
 * layer's tensors is taken; if that is still not one trial, none is.
 */
function linkEngineTactics(summary: BuildLogSummary): void {
  for (const layer of summary.engineLayers) {
    const choice = summary.tacticChoices.findLast((c) => c.layer === layer.name);
    if (!choice) continue;
    choice.engineTactic = layer.tactic;
    let candidates = choice.trials.filter((t) => t.tactic === layer.tactic);
    if (candidates.length > 1)
      candidates = candidates.filter((t) => formatSignature(t.format) === layerSignature(layer));
    if (candidates.length === 1) choice.selected = candidates[0]!;
  }
}

/**
 * Parses a trtexec build log (with --verbose for tactics): per layer the tactic chosen for each format
 * combination (timed, or served from the timing cache) and its time, the "Engine Layer Information" lines, the
 * warnings and errors, and how the build ended (`outcome`). A truncated log is not an error: it is returned with
 * `outcome: 'unfinished'` so that what happened before the cut can still be read. Empty input, or text that is no
 * TensorRT log at all, is a `TrtexecParseError`.
 */
export function parseBuildLog(log: string): BuildLogSummary {
  if (log.trim().length === 0) throw emptyFileError('build-log');
  if (!isTensorRtLog(log)) {
    throw wrongKindError(
      'build-log',
      'text that is not a TensorRT log',
      'no "&&&& RUNNING TensorRT.trtexec" or [TRT] line',
    );
  }
  const summary: BuildLogSummary = {
    outcome: 'unknown',
    tacticChoices: [],
    engineLayers: [],
    warnings: [],
    errors: [],
  };
  let block: Block | undefined;
  let inLayerInfo = false;
  let lastRecord: 'error' | 'other' = 'other';
  let running = false;
  for (const line of logLines(log)) {
    const t = line.text;
    const continuation = !RECORD_START.test(line.raw) && !inLayerInfo;
    if (continuation && lastRecord === 'error' && t.length > 0) {
      summary.errors[summary.errors.length - 1] += `\n${t}`;
      continue;
    }
    lastRecord = line.severity === 'E' || line.severity === 'F' ? 'error' : 'other';
    if (line.severity === 'W') summary.warnings.push(t);
    if (lastRecord === 'error') summary.errors.push(t);
    const status = /^&&&& (RUNNING|PASSED|FAILED) TensorRT\.trtexec(?: \[TensorRT (v\d+)\])?/.exec(line.raw);
    if (status) {
      if (status[1] === 'RUNNING') running = true;
      else summary.outcome = status[1] === 'PASSED' ? 'passed' : 'failed';
      if (status[2]) summary.banner ??= status[2];
      continue;
    }
    const costs = COSTS.exec(t);
    if (costs) {
      const choice: TacticChoice = { layer: costs[1]!.trim(), trials: [], line: line.n };
      summary.tacticChoices.push(choice);
      block = { choice, fastest: [] };
      inLayerInfo = false;
      continue;
    }
    if (BLOCK_END.test(t)) block = undefined;
    if (/^Engine Layer Information:/.test(t)) {
      inLayerInfo = true;
      continue;
    }
    if (inLayerInfo) {
      const layer = engineLayerLine(t, line.n);
      if (layer) {
        summary.engineLayers.push(layer);
        continue;
      }
      if (RECORD_START.test(line.raw)) inLayerInfo = false;
    }
    if (block) onBlockLine(block, line);
  }
  if (summary.outcome === 'unknown' && running) summary.outcome = 'unfinished';
  linkEngineTactics(summary);
  return summary;
}
