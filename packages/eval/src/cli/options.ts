import { writeFileAtomic } from '@tamkit/common';
import type { CommandIo } from '@tamkit/common/cli';
import type { Options } from 'yargs';
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

/** `--root DIR`: the LaSOT-layout dataset (score called it `--gt`). */
export const rootOption = {
  type: 'string',
  demandOption: true,
  describe: 'LaSOT root holding <class>/<class>-<n>/groundtruth.txt (or <class>-<n>/groundtruth.txt)',
} as const satisfies Options;

/** Resolves a `--split` value to sequence names (undefined when not given). */
export async function resolveSplit(split: string | undefined): Promise<string[] | undefined> {
  if (split === undefined) return undefined;
  return split === OFFICIAL_SPLIT_NAME ? readOfficialTestSplit() : readSplitFile(split);
}

/**
 * Prints a report (its JSON with `--json`, else `text`) and, with `--out`, writes its JSON there and says so:
 * the tail every reporting command shares.
 */
export async function emitReport(
  io: CommandIo,
  args: { json: boolean; out?: string | undefined },
  report: object,
  text: string,
  what: string,
): Promise<void> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  io.out(args.json ? json : text);
  if (args.out) {
    await writeFileAtomic(args.out, json);
    io.wrote(args.out, what);
  }
}
