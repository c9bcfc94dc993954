import { frameCount } from '../lasot/boxes.js';
import { readResultFile, resultPath } from '../lasot/results.js';

/**
 * Whether a sequence already has a complete result: a parseable file with one box per frame. Result files are
 * written atomically, so a file that exists is whole; the count guards against files from other tools or
 * another dataset version. A malformed file counts as incomplete and is redone.
 */
export async function hasCompleteResult(resultsDir: string, sequence: string, frames: number): Promise<boolean> {
  try {
    const boxes = await readResultFile(resultPath(resultsDir, sequence));
    return boxes !== undefined && frameCount(boxes) === frames;
  } catch {
    return false;
  }
}
