/**
 * Old flag spellings kept for one release: they still work, are hidden from `--help`, and print a one-line
 * note naming the new spelling. The value moves to the new flag before yargs validates, so a required new flag
 * given under its old name is satisfied.
 */
import type { Argv, Options } from 'yargs';
import { UsageError } from '../errors.js';
import type { CommandIo } from './command-io.js';

/** One old spelling and what replaces it. */
export interface DeprecatedFlag {
  /** The old flag, without dashes (`reference`). */
  flag: string;
  /** The flag that replaces it, without dashes (`reference-stack`). */
  replacement: string;
  /** yargs settings of the old flag (its `type`, `array`, ...). Default `{ type: 'string' }`. */
  option?: Options;
  /**
   * The new flag's value from the old one (e.g. HxW turned into WxH). `argv` holds every parsed flag, for an
   * old pair that becomes one new flag. Default: the value unchanged.
   */
  convert?: (value: unknown, argv: Record<string, unknown>) => unknown;
  /** How to write the new flag in the note, when more than `--replacement` helps (`--video-size WxH`). */
  hint?: string;
}

/** The raw arguments each CLI was built from, so a note can tell an explicit new flag from its default. */
const rawArguments = new WeakMap<object, readonly string[]>();

/** Records the raw arguments of a parser (`createCli` does). */
export function rememberArguments(cli: object, argv: readonly string[]): void {
  rawArguments.set(cli, argv);
}

const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function given(args: readonly string[], flag: string, aliases: readonly string[]): boolean {
  const names = [flag, camel(flag), ...aliases];
  return args.some((a) =>
    names.some((n) => {
      const dash = n.length === 1 ? `-${n}` : `--${n}`;
      return a === dash || a.startsWith(`${dash}=`) || a === `--no-${n}`;
    }),
  );
}

/**
 * Adds hidden old spellings to a command's options. When one is used, its value goes to the new flag and a
 * note goes to stderr (even with `--quiet`: it is a warning about the user's script); giving both the old and
 * the new spelling is a usage error. `aliases` lists short forms of new flags (`{ out: ['o'] }`).
 */
export function withDeprecatedFlags<T>(
  y: Argv<T>,
  io: CommandIo,
  flags: readonly DeprecatedFlag[],
  aliases: Readonly<Record<string, readonly string[]>> = {},
): Argv<T> {
  let cli = y;
  for (const f of flags) cli = cli.option(f.flag, { type: 'string', ...f.option, hidden: true });
  // Command builders get the very parser `createCli` made, so its raw arguments are known here.
  const args = rawArguments.get(y) ?? [];
  return cli.middleware((argv) => {
    const parsed = argv as Record<string, unknown>;
    for (const f of flags) {
      const value = parsed[f.flag];
      if (value === undefined) continue;
      if (given(args, f.replacement, aliases[f.replacement] ?? [])) {
        throw new UsageError(`--${f.flag} and --${f.replacement} say the same thing; give only --${f.replacement}.`);
      }
      const next = f.convert ? f.convert(value, parsed) : value;
      for (const key of [f.replacement, camel(f.replacement), ...(aliases[f.replacement] ?? [])]) parsed[key] = next;
      for (const key of [f.flag, camel(f.flag)]) delete parsed[key];
      io.err(
        `note: --${f.flag} is deprecated and will be removed in the next release; use ${f.hint ?? `--${f.replacement}`}`,
      );
    }
  }, true);
}

/** `HxW` -> `WxH`: old flags that took height first, for flags that now take width first like video sizes. */
export function swapSize(value: unknown): unknown {
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(String(value));
  return m ? `${m[2]}x${m[1]}` : value;
}
