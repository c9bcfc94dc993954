/** The option group and the read -> pass -> write flow every graph-edit command shares. */

import { assertNotSameFile, UsageError } from '@tamkit/common';
import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { readModel, type WrittenModel, writeModel } from '../onnx/model-io.js';
import type { ModelProto } from '../onnx/types.js';
import { applyPassToFolder, isDirectory } from '../passes/folder.js';

export interface PassArgs {
  model: string;
  output: string;
  json: boolean;
}

/** MODEL positional, -o OUT, --json. */
export function passOptions<T>(y: Argv<T>) {
  return y
    .positional('model', {
      type: 'string',
      demandOption: true,
      describe: 'Input .onnx file, or a folder of modules (never modified)',
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      demandOption: true,
      describe: 'Output .onnx file (written atomically), or a folder when MODEL is one',
    })
    .options(jsonOption('Print the pass report as JSON'));
}

/**
 * Reads the model, applies the pass, writes the result and prints the report. Any error surfaces before the
 * write, so bad input leaves no output file behind. MODEL may be a folder of modules: each .onnx file is passed
 * and written under its name into the output folder (`applyPassToFolder`); notes (e.g. a pattern a module does
 * not have) are printed per module and are not failures.
 */
export async function applyPass<R>(
  args: PassArgs,
  io: CliIo,
  pass: (model: ModelProto) => { model: ModelProto; report: R } | Promise<{ model: ModelProto; report: R }>,
  summary: (report: R) => string,
): Promise<void> {
  if (await isDirectory(args.model)) {
    const result = await applyPassToFolder(args.model, args.output, (m) => pass(m), {
      onProgress: ({ file, index, count }) => io.err(`[${index + 1}/${count}] ${file}`),
    });
    if (args.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    const lines = result.modules.flatMap((m) => [`${m.file}: ${summary(m.report)}`, ...noteLines(m.report)]);
    const copied = result.copied.length ? ` (copied ${result.copied.join(', ')})` : '';
    io.out(`${lines.join('\n')}\nwrote ${result.modules.length} modules to ${args.output}${copied}`);
    return;
  }
  assertNotSameFile(args.model, args.output);
  const { model, report } = await pass(await readModel(args.model));
  const written = await writeModel(model, args.output);
  io.out(
    args.json
      ? JSON.stringify(report, null, 2)
      : [summary(report), ...noteLines(report), describeWrite(written)].join('\n'),
  );
}

/** "wrote OUT (external data: FILES)", the line every writing command ends with. */
export function describeWrite(written: WrittenModel): string {
  const data = written.dataFiles.length ? ` (external data: ${written.dataFiles.join(', ')})` : '';
  return `wrote ${written.path}${data}`;
}

/** "  note: ..." lines for the `notes` a pass report may carry. */
function noteLines(report: unknown): string[] {
  const notes = (report as { notes?: unknown }).notes;
  return Array.isArray(notes) ? notes.map((n) => `  note: ${String(n)}`) : [];
}

/** Parses HEIGHTxWIDTH (e.g. 512x512). */
export function parseSize(text: string | undefined, option: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) {
    throw new UsageError(`${option} "${text}" is not HEIGHTxWIDTH`, `Write it like ${option} 512x512.`);
  }
  return [Number(m[1]), Number(m[2])];
}

/** Flattens repeated or comma-separated list options (--nodes a,b --nodes c). */
export function listOption(values: readonly (string | number)[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Parses NAME=V[,V...] options into single values and value lists; `maxValues` limits the list length. */
export function parseAssignments(
  items: readonly string[],
  flag: string,
  maxValues = Number.POSITIVE_INFINITY,
): [Record<string, number>, Record<string, number[]>] {
  const single: Record<string, number> = {};
  const lists: Record<string, number[]> = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq);
    const values = item
      .slice(eq + 1)
      .split(',')
      .map(Number);
    if (eq <= 0 || values.length > maxValues || values.some((v) => !Number.isInteger(v))) {
      throw new UsageError(`${flag} ${item}: expected NAME=${maxValues === 1 ? 'INTEGER' : 'INTEGER[,INTEGER...]'}`);
    }
    single[name] = values[0]!;
    lists[name] = values;
  }
  return [single, lists];
}
