/**
 * The option group and the read -> pass -> write flow every graph-edit command shares. Library modules are
 * imported when a command runs, never when the CLI starts: `graph-surgery --help` loads only the parser.
 */

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertNotSameFile, checkOutputLocation, UsageError } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption, withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { WrittenModel } from '../onnx/model-io.js';
import type { ModelProto } from '../onnx/types.js';

export interface PassArgs {
  model: string;
  out: string;
  json: boolean;
}

/** A graph edit as the commands run it: model in, edited model and report out (some edits are async). */
export type PassFn<R> = (
  model: ModelProto,
) => { model: ModelProto; report: R } | Promise<{ model: ModelProto; report: R }>;

/** `--output` was graph-surgery's spelling of `-o`; every other command says `--out`. */
const OUTPUT_DEPRECATION = { flag: 'output', replacement: 'out' } as const;

/** Adds graph-surgery's old `--output` spelling of `-o/--out` to a command. */
export function withOutputDeprecation<T>(y: Argv<T>, io: CommandIo): Argv<T> {
  return withDeprecatedFlags(y, io, [OUTPUT_DEPRECATION], { out: ['o'] });
}

/** MODEL positional, -o/--out OUT, --json (and the deprecated --output). */
export function passOptions<T>(y: Argv<T>, io: CommandIo) {
  const cli = y
    .positional('model', {
      type: 'string',
      demandOption: true,
      describe: 'Input .onnx file, or a folder of modules (never modified)',
    })
    .options(outOption('Output .onnx file (written atomically), or a folder when MODEL is one', { demandOption: true }))
    .options(jsonOption('Print the pass report as JSON'));
  return withOutputDeprecation(cli, io);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Checks the output location, reads the model, applies the pass, writes the result and prints the report (or
 * its JSON) and the line saying what was written. Any error surfaces before the write, so bad input leaves no
 * output file behind. MODEL may be a folder of modules: each .onnx file is passed and written under its name
 * into the output folder (`applyPassToFolder`: nothing is written unless every module passes); notes (e.g. a
 * pattern a module does not have) are printed per module and are not failures. `loadPass` imports the pass's
 * library code and returns the edit.
 */
export async function applyPass<R>(
  args: PassArgs,
  io: CommandIo,
  loadPass: () => Promise<PassFn<R>>,
  summary: (report: R) => string,
): Promise<void> {
  if (await isFolder(args.model)) {
    await checkOutputLocation(args.out, { kind: 'folder', flag: '-o' });
    const [{ applyPassToFolder }, pass] = await Promise.all([import('../passes/folder.js'), loadPass()]);
    let progress: ReturnType<CommandIo['progress']> | undefined;
    const result = await applyPassToFolder(args.model, args.out, (m) => pass(m), {
      onProgress: ({ file, index, count }) => {
        progress ??= io.progress('modules', count);
        progress.update(index, file);
      },
    });
    progress?.update(result.modules.length);
    progress?.finish();
    if (args.json) io.out(JSON.stringify(result, null, 2));
    else io.out(result.modules.flatMap((m) => [`${m.file}: ${summary(m.report)}`, ...noteLines(m.report)]).join('\n'));
    const copied = result.copied.length ? ` (and ${result.copied.join(', ')})` : '';
    io.wrote(args.out, `${result.modules.length} modules${copied} to`);
    return;
  }
  assertNotSameFile(args.model, args.out);
  await checkOutputLocation(args.out, { flag: '-o' });
  const [{ readModel, writeModel }, pass] = await Promise.all([import('../onnx/model-io.js'), loadPass()]);
  let t = performance.now();
  const input = await readModel(args.model);
  io.debug(`read ${args.model} in ${seconds(performance.now() - t)}`);
  t = performance.now();
  const { model, report } = await pass(input);
  io.debug(`pass done in ${seconds(performance.now() - t)}`);
  t = performance.now();
  const written = await writeModel(model, args.out);
  io.debug(`wrote in ${seconds(performance.now() - t)}`);
  io.out(args.json ? JSON.stringify(report, null, 2) : [summary(report), ...noteLines(report)].join('\n'));
  sayWritten(io, written);
}

/** "wrote OUT (external data: FILES)", the line every writing command ends with. */
export function describeWrite(written: WrittenModel): string {
  const data = written.dataFiles.length ? ` (external data: ${written.dataFiles.join(', ')})` : '';
  return `wrote ${written.path}${data}`;
}

/**
 * The lines that say what a model write wrote: the model (with its size), and each external data file it refers
 * to, whether written now or already there; data files of the replaced model that were removed are detail.
 */
export function sayWritten(io: CommandIo, written: WrittenModel): void {
  io.wrote(written.path);
  for (const file of written.dataFiles) io.wrote(join(dirname(written.path), file), 'its external data');
  for (const file of written.removed) io.debug(`removed ${file}, the replaced model's own data`);
}

/** "  note: ..." lines for the `notes` a pass report may carry. */
function noteLines(report: unknown): string[] {
  const notes = (report as { notes?: unknown }).notes;
  return Array.isArray(notes) ? notes.map((n) => `  note: ${String(n)}`) : [];
}

/** Parses WIDTHxHEIGHT (e.g. 1280x720), as every tamkit size flag is written; returns [height, width]. */
export function parseSize(text: string | undefined, option: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) {
    throw new UsageError(`${option} "${text}" is not WIDTHxHEIGHT`, `Write it like ${option} 1280x720 (width first).`);
  }
  return [Number(m[2]), Number(m[1])];
}

/** Flattens repeated or comma-separated list options (--fp32-nodes a,b --fp32-nodes c). */
export function listOption(values: readonly (string | number)[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Parses NAME=V[,V...] options into single values and value lists of whole numbers >= `min`; `maxValues`
 * limits the list length.
 */
export function parseAssignments(
  items: readonly string[],
  flag: string,
  min: number,
  maxValues = Number.POSITIVE_INFINITY,
): [Record<string, number>, Record<string, number[]>] {
  const single: Record<string, number> = {};
  const lists: Record<string, number[]> = {};
  const shape = maxValues === 1 ? 'INTEGER' : 'INTEGER[,INTEGER...]';
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq);
    const texts = item.slice(eq + 1).split(',');
    const values = texts.map((t) => (/^\s*-?\d+\s*$/.test(t) ? Number(t) : Number.NaN));
    if (eq <= 0 || values.length > maxValues || values.some((v) => !Number.isInteger(v) || v < min)) {
      const range = Number.isFinite(min) ? ` with whole numbers >= ${min}` : ' with whole numbers';
      throw new UsageError(
        `${flag} ${item}: expected NAME=${shape}${range}`,
        `Write e.g. ${flag} ${eq > 0 ? name : 'num_points'}=${Math.max(min, 1)}.`,
      );
    }
    single[name] = values[0]!;
    lists[name] = values;
  }
  return [single, lists];
}
