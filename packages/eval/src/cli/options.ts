import { readOfficialTestSplit, readSplitFile } from '../lasot/split.js';
import { CONVENTIONS, type Convention } from '../metrics/convention.js';

/** The word `--split` takes for the shipped official LaSOT test split. */
export const OFFICIAL_SPLIT_NAME = 'lasot-test';

/** `--split FILE|lasot-test`, shared by the commands that select sequences. */
export const splitOption = {
  type: 'string',
  describe: `Sequence list (one name per line), or "${OFFICIAL_SPLIT_NAME}" for the official 280-sequence test split. Default: every sequence found.`,
} as const;

/** `--convention lasot|pytracking`, shared by the commands that score. */
export const conventionOption = {
  choices: CONVENTIONS,
  default: 'lasot' as Convention,
  describe: 'Evaluation rules: the official LaSOT MATLAB toolkit (lasot) or pytracking',
} as const;

/** Resolves a `--split` value to sequence names (undefined when not given). */
export async function resolveSplit(split: string | undefined): Promise<string[] | undefined> {
  if (split === undefined) return undefined;
  return split === OFFICIAL_SPLIT_NAME ? readOfficialTestSplit() : readSplitFile(split);
}
