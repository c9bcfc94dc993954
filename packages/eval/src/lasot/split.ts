import { readFile } from 'node:fs/promises';
import { ToolkitError } from '@tamkit/common';

/**
 * The official LaSOT test split (protocol II: 280 sequences, 4 of each of the 70 classes), shipped as a list
 * file. Its names and order are those of pytracking's `lasotdataset.py` sequence list.
 */
export const OFFICIAL_TEST_SPLIT_URL = new URL('../../data/lasot-test-split.txt', import.meta.url);

/** Parses a split list: one sequence name per line; blank lines and `#` comments are ignored. */
export function parseSplitText(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (line !== '') names.push(...line.split(/[\s,]+/));
  }
  return names;
}

/** Reads a split list file (see `parseSplitText`). */
export async function readSplitFile(path: string | URL): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ToolkitError('SPLIT_UNREADABLE', `Cannot read the split list ${String(path)}.`, {
      remedy: 'Pass a text file with one sequence name per line.',
      cause: error,
    });
  }
  const names = parseSplitText(text);
  if (names.length === 0) {
    throw new ToolkitError('SPLIT_EMPTY', `The split list ${String(path)} names no sequence.`, {
      remedy: 'Write one sequence name per line, e.g. airplane-1.',
    });
  }
  return names;
}

/** The 280 sequence names of the official LaSOT test split. */
export function readOfficialTestSplit(): Promise<string[]> {
  return readSplitFile(OFFICIAL_TEST_SPLIT_URL);
}
