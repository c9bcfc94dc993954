import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { type BoxSeries, frameCount } from './boxes.js';
import { parseBoxText, parseFlagText } from './text-format.js';

/** Where one LaSOT sequence lives. */
export interface SequenceEntry {
  /** `<class>-<n>`, e.g. `airplane-1`. */
  name: string;
  /** The class part of the name, e.g. `airplane`. */
  className: string;
  /** The sequence folder (holds `img/`, `groundtruth.txt`, ...). */
  dir: string;
}

/** A LaSOT-layout dataset: the sequences found (or selected by a split), in split or name order. */
export interface LasotDataset {
  root: string;
  sequences: SequenceEntry[];
}

/** One sequence with its annotations loaded. */
export interface LasotSequence extends SequenceEntry {
  groundTruth: BoxSeries;
  /** Per-frame full-occlusion flags; `undefined` when the file is missing. */
  fullOcclusion: Uint8Array | undefined;
  /** Per-frame out-of-view flags; `undefined` when the file is missing. */
  outOfView: Uint8Array | undefined;
  /** The natural-language description (`nlp.txt`), when present. */
  description: string | undefined;
  /** Number of frames, from the ground truth. */
  frames: number;
}

/** Options of `openLasotDataset`. */
export interface OpenDatasetOptions {
  /** Keep only these sequences, in this order (e.g. the official test split). Default: every sequence found. */
  split?: readonly string[];
}

/** The class of a LaSOT sequence name: everything before the last `-<number>`. */
export function classOfSequence(name: string): string {
  const match = /^(.*)-\d+$/.exec(name);
  return match ? match[1]! : name;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Finds the sequences under a LaSOT root. Accepts the official nested layout `<class>/<class>-<n>/` and the flat
 * layout `<class>-<n>/` that the test-set download uses; a sequence folder is one holding `groundtruth.txt`.
 */
export async function openLasotDataset(root: string, options: OpenDatasetOptions = {}): Promise<LasotDataset> {
  if (!(await exists(root))) {
    throw new ToolkitError('DATASET_NOT_FOUND', `LaSOT root ${root} does not exist.`, {
      remedy: 'Pass the folder that holds <class>/<class>-<n>/groundtruth.txt (or <class>-<n>/groundtruth.txt).',
    });
  }
  const found = new Map<string, SequenceEntry>();
  for (const top of await subdirectories(root)) {
    const topDir = join(root, top);
    if (await exists(join(topDir, 'groundtruth.txt'))) {
      found.set(top, { name: top, className: classOfSequence(top), dir: topDir });
      continue;
    }
    for (const inner of await subdirectories(topDir)) {
      const dir = join(topDir, inner);
      if (await exists(join(dir, 'groundtruth.txt'))) found.set(inner, { name: inner, className: top, dir });
    }
  }
  if (!options.split) return { root, sequences: [...found.values()] };
  const missing = options.split.filter((name) => !found.has(name));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, ... (${missing.length} in all)` : '');
    throw new ToolkitError('SEQUENCE_NOT_FOUND', `The split names sequences missing under ${root}: ${shown}.`, {
      remedy: 'Check --root (or --gt) and --split; each sequence needs a folder with groundtruth.txt.',
    });
  }
  return { root, sequences: options.split.map((name) => found.get(name)!) };
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Loads a sequence's ground truth, occlusion and out-of-view flags and description. */
export async function loadSequence(entry: SequenceEntry): Promise<LasotSequence> {
  const gtPath = join(entry.dir, 'groundtruth.txt');
  const groundTruth = parseBoxText(await readFile(gtPath, 'utf8'), { source: gtPath });
  const frames = frameCount(groundTruth);
  const flags = async (file: string): Promise<Uint8Array | undefined> => {
    const path = join(entry.dir, file);
    const text = await readOptional(path);
    if (text === undefined) return undefined;
    const parsed = parseFlagText(text, { source: path });
    if (parsed.length !== frames) {
      throw new ToolkitError('FLAG_LENGTH_MISMATCH', `${path} has ${parsed.length} values for ${frames} frames.`, {
        remedy: `Write one value per line of ${gtPath}.`,
      });
    }
    return parsed;
  };
  const description = (await readOptional(join(entry.dir, 'nlp.txt')))?.trim();
  return {
    ...entry,
    groundTruth,
    fullOcclusion: await flags('full_occlusion.txt'),
    outOfView: await flags('out_of_view.txt'),
    description,
    frames,
  };
}

/** Path of frame `index` (0-based) of a sequence: LaSOT names frames `img/00000001.jpg` onwards. */
export function framePath(entry: SequenceEntry, index: number): string {
  return join(entry.dir, 'img', `${String(index + 1).padStart(8, '0')}.jpg`);
}

/**
 * Per-frame "target absent" flags: full occlusion or out of view, which is what the official toolkit's absent
 * annotation marks. `undefined` when the sequence has neither file.
 */
export function absentFlags(sequence: LasotSequence): Uint8Array | undefined {
  const { fullOcclusion, outOfView } = sequence;
  if (!fullOcclusion && !outOfView) return undefined;
  const absent = new Uint8Array(sequence.frames);
  for (let i = 0; i < absent.length; i++) absent[i] = (fullOcclusion?.[i] ?? 0) | (outOfView?.[i] ?? 0);
  return absent;
}
