import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { type AttributeMatrix, attributesFromFlags } from '../lasot/attributes.js';
import { absentFlags, type LasotSequence, loadSequence, openLasotDataset } from '../lasot/dataset.js';
import { readResultFile, resultPath } from '../lasot/results.js';
import { parseFlagText } from '../lasot/text-format.js';
import { aggregateScores, scoreByAttribute } from '../metrics/aggregate.js';
import type { Convention } from '../metrics/convention.js';
import { type SequenceScore, scoreSequence } from '../metrics/sequence-score.js';
import { buildScoreReport, type LasotScoreReport } from '../report/score-report.js';

/** Options of `scoreResults`. */
export interface ScoreResultsOptions {
  /** LaSOT-layout root holding the ground truth. */
  groundTruthRoot: string;
  /** Folder of `<sequence>.txt` result files. */
  resultsDir: string;
  /** Sequences to score, in order. Default: every sequence under the root. */
  split?: readonly string[];
  /** Name of the split for the report's `source` (e.g. its file path). */
  splitName?: string;
  /** Evaluation rules. Default `lasot`. */
  convention?: Convention;
  /**
   * Extra sequence attributes (e.g. the LaSOT attribute table). The "full occlusion" and "out of view"
   * attributes are always derived from the per-frame files.
   */
  attributes?: AttributeMatrix;
  /**
   * Folder of per-sequence absent flags `<sequence>.txt` (the official toolkit's `annos/absent/`), used instead
   * of the flags derived from `full_occlusion.txt` and `out_of_view.txt`. Default: derive them.
   */
  absentDir?: string;
  /** A sequence without a result file: `error` (default) or `skip` it and list it under `missing`. */
  missingResults?: 'error' | 'skip';
  /** Label of the tracker in reports. Default: the results folder. */
  label?: string;
  /** Called after each sequence is scored. */
  onProgress?: (done: number, total: number, sequence: string) => void;
}

async function readAbsentFile(dir: string, sequence: LasotSequence): Promise<Uint8Array> {
  const path = join(dir, `${sequence.name}.txt`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ToolkitError('ABSENT_NOT_FOUND', `No absent flags for ${sequence.name}: cannot read ${path}.`, {
      remedy: 'Point --absent at the toolkit folder annos/absent, or leave it out to derive the flags.',
      cause: error,
    });
  }
  const flags = parseFlagText(text, { source: path });
  if (flags.length !== sequence.frames) {
    throw new ToolkitError('FLAG_LENGTH_MISMATCH', `${path} has ${flags.length} values for ${sequence.frames} frames.`);
  }
  return flags;
}

// Files are read a few at a time: enough to overlap disk latency without opening hundreds of files at once.
const READ_CONCURRENCY = 16;

async function scoreOne(
  sequence: LasotSequence,
  options: ScoreResultsOptions,
  convention: Convention,
): Promise<SequenceScore | undefined> {
  const path = resultPath(options.resultsDir, sequence.name);
  const predicted = await readResultFile(path);
  if (!predicted) {
    if (options.missingResults === 'skip') return undefined;
    throw new ToolkitError('RESULT_NOT_FOUND', `No result file for ${sequence.name}: ${path} does not exist.`, {
      remedy: 'Run the tracker on that sequence, or pass --skip-missing to score the sequences that have results.',
    });
  }
  const absent = options.absentDir ? await readAbsentFile(options.absentDir, sequence) : absentFlags(sequence);
  return scoreSequence({ name: sequence.name, predicted, groundTruth: sequence.groundTruth, absent }, convention);
}

/** Loads the ground truth and a results folder and scores every sequence: what `track-eval score` does. */
export async function scoreResults(options: ScoreResultsOptions): Promise<LasotScoreReport> {
  const convention = options.convention ?? 'lasot';
  const resultsInfo = await stat(options.resultsDir).catch(() => undefined);
  if (!resultsInfo?.isDirectory()) {
    throw new ToolkitError('RESULTS_NOT_FOUND', `The results folder ${options.resultsDir} does not exist.`, {
      remedy: "Pass the folder that holds the tracker's <sequence>.txt files.",
    });
  }
  const dataset = await openLasotDataset(options.groundTruthRoot, { split: options.split });
  if (dataset.sequences.length === 0) {
    throw new ToolkitError('DATASET_EMPTY', `No sequence found under ${options.groundTruthRoot}.`, {
      remedy: 'Pass the LaSOT root: <class>/<class>-<n>/groundtruth.txt below it.',
    });
  }
  const sequences: LasotSequence[] = new Array(dataset.sequences.length);
  const scores: (SequenceScore | undefined)[] = new Array(dataset.sequences.length);
  let done = 0;
  for (let start = 0; start < dataset.sequences.length; start += READ_CONCURRENCY) {
    const batch = dataset.sequences.slice(start, start + READ_CONCURRENCY);
    await Promise.all(
      batch.map(async (entry, k) => {
        const sequence = await loadSequence(entry);
        sequences[start + k] = sequence;
        scores[start + k] = await scoreOne(sequence, options, convention);
        options.onProgress?.(++done, dataset.sequences.length, entry.name);
      }),
    );
  }
  const scored = scores.filter((s): s is SequenceScore => s !== undefined);
  const missing = dataset.sequences.filter((_, i) => scores[i] === undefined).map((s) => s.name);
  if (scored.length === 0) {
    throw new ToolkitError(
      'RESULTS_EMPTY',
      `None of the ${missing.length} sequences has a result in ${options.resultsDir}.`,
      {
        remedy: 'Check --results: it should hold <sequence>.txt files.',
      },
    );
  }
  const matrix: AttributeMatrix = new Map([...attributesFromFlags(sequences), ...(options.attributes ?? [])]);
  return buildScoreReport({
    label: options.label ?? options.resultsDir,
    convention,
    scores: scored,
    aggregate: aggregateScores(scored, convention),
    attributes: scoreByAttribute(scored, matrix, convention),
    missing,
    source: { groundTruth: options.groundTruthRoot, results: options.resultsDir, split: options.splitName },
  });
}
