/**
 * The option group and the read -> pass -> write flow every graph-edit command shares. Library modules are
 * imported when a command runs, never when the CLI starts: `graph-surgery --help` loads only the parser.
 */

import { assertNotSameFile, checkOutputLocation, UsageError } from '@tamkit/common';
import { type CommandIo, jsonOption, outOption, withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { ModelProto } from '../onnx/types.js';

export interface PassArgs {
  model: string;
  out: string;
  json: boolean;
}

/** `--output` was graph-surgery's spelling of `-o`; every other command says `--out`. */
export const OUTPUT_DEPRECATION = { flag: 'output', replacement: 'out' } as const;

/** MODEL positional, -o/--out OUT, --json (and the deprecated --output). */
export function passOptions<T>(y: Argv<T>, io: CommandIo) {
  const cli = y
    .positional('model', { type: 'string', demandOption: true, describe: 'Input .onnx file (never modified)' })
    .options(outOption('Output .onnx file (written atomically)', { demandOption: true }))
    .options(jsonOption('Print the pass report as JSON'));
  return withDeprecatedFlags(cli, io, [OUTPUT_DEPRECATION], { out: ['o'] });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Checks the output location, reads the model, applies the pass, writes the result and prints the report (or
 * its JSON) and the line saying what was written. Any error surfaces before the write, so bad input leaves no
 * output file behind.
 */
export async function applyPass<R>(
  args: PassArgs,
  io: CommandIo,
  pass: (model: ModelProto) => Promise<{ model: ModelProto; report: R }> | { model: ModelProto; report: R },
  summary: (report: R) => string,
): Promise<void> {
  assertNotSameFile(args.model, args.out);
  await checkOutputLocation(args.out, { flag: '-o' });
  const { readModel, writeModel } = await import('../onnx/model-io.js');
  let t = performance.now();
  const input = await readModel(args.model);
  io.debug(`read ${args.model} in ${seconds(performance.now() - t)}`);
  t = performance.now();
  const { model, report } = await pass(input);
  io.debug(`pass done in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await writeModel(model, args.out);
  io.debug(`wrote in ${seconds(performance.now() - t)}`);
  io.out(args.json ? JSON.stringify(report, null, 2) : summary(report));
  io.wrote(args.out);
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
