import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError, writeFileAtomic } from '@tamkit/common';
import type { BoxSeries } from './boxes.js';
import { formatBoxText, parseBoxText } from './text-format.js';

/** The result file of a sequence in a results folder: `<dir>/<sequence>.txt`, as every LaSOT tool expects. */
export function resultPath(resultsDir: string, sequence: string): string {
  return join(resultsDir, `${sequence}.txt`);
}

/** Reads a tracker's result file; `undefined` when the file does not exist. */
export async function readResultFile(path: string): Promise<BoxSeries | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ToolkitError('RESULT_UNREADABLE', `Cannot read the result file ${path}.`, { cause: error });
  }
  return parseBoxText(text, { source: path });
}

/** Writes a result file atomically (a reader never sees half a file, so resume can trust what exists). */
export function writeResultFile(path: string, boxes: BoxSeries): Promise<void> {
  return writeFileAtomic(path, formatBoxText(boxes));
}
