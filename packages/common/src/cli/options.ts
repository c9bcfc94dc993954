/**
 * Option groups every tamkit CLI shares, declared once: spread one into a command's `.options({...})`. Each
 * fixes the flag's name, alias and type; the command says what the flag means for it (`describe`) and may add
 * yargs settings (`array`, `choices`, `demandOption`, `default`) through `extra`.
 */
import type { Options } from 'yargs';

/** `--json`: machine-readable JSON on stdout instead of text. */
export function jsonOption(describe = 'Print JSON instead of text') {
  return { json: { type: 'boolean', default: false, describe } } as const satisfies Record<string, Options>;
}

/** `-o/--out`: where the command writes its output (a file or a folder, as `describe` says). */
export function outOption<const E extends Options = object>(describe: string, extra?: E) {
  return { out: { alias: 'o', type: 'string', describe, ...(extra as E) } } as const satisfies Record<string, Options>;
}

/** `-q/--quiet`: print only the result (no progress, no streamed tool output). */
export function quietOption(describe = 'Print only the result, no progress') {
  return { quiet: { alias: 'q', type: 'boolean', default: false, describe } } as const satisfies Record<
    string,
    Options
  >;
}

/** `-v/--verbose`: print more detail about what the command does. */
export function verboseOption(describe = 'Print more detail about what the command does') {
  return { verbose: { alias: 'v', type: 'boolean', default: false, describe } } as const satisfies Record<
    string,
    Options
  >;
}

/** `--stack`: the bench stack(s) a command runs on (names as `bench list` shows them). */
export function stackOption<const E extends Options = object>(describe: string, extra?: E) {
  return { stack: { type: 'string', describe, ...(extra as E) } } as const satisfies Record<string, Options>;
}

/** `--models`: an .onnx file or a folder of the tracker's modules (`<module>.onnx`). */
export function modelsOption<const E extends Options = object>(describe: string, extra?: E) {
  return { models: { type: 'string', describe, ...(extra as E) } } as const satisfies Record<string, Options>;
}
