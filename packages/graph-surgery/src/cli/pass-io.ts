/** The option group and the read -> pass -> write flow every graph-edit command shares. */

import { assertNotSameFile, UsageError } from '@tamkit/common';
import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { readModel, type WrittenModel, writeModel } from '../onnx/model-io.js';
import type { ModelProto } from '../onnx/types.js';

export interface PassArgs {
  model: string;
  output: string;
  json: boolean;
}

/** MODEL positional, -o OUT, --json. */
export function passOptions<T>(y: Argv<T>) {
  return y
    .positional('model', { type: 'string', demandOption: true, describe: 'Input .onnx file (never modified)' })
    .option('output', {
      alias: 'o',
      type: 'string',
      demandOption: true,
      describe: 'Output .onnx file (written atomically)',
    })
    .options(jsonOption('Print the pass report as JSON'));
}

/**
 * Reads the model, applies the pass, writes the result and prints the report. Any error surfaces before the
 * write, so bad input leaves no output file behind.
 */
export async function applyPass<R>(
  args: PassArgs,
  io: CliIo,
  pass: (model: ModelProto) => { model: ModelProto; report: R },
  summary: (report: R) => string,
): Promise<void> {
  assertNotSameFile(args.model, args.output);
  const { model, report } = pass(await readModel(args.model));
  const written = await writeModel(model, args.output);
  io.out(args.json ? JSON.stringify(report, null, 2) : `${summary(report)}\n${describeWrite(written)}`);
}

/** "wrote OUT (external data: FILES)", the line every writing command ends with. */
export function describeWrite(written: WrittenModel): string {
  const data = written.dataFiles.length ? ` (external data: ${written.dataFiles.join(', ')})` : '';
  return `wrote ${written.path}${data}`;
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
