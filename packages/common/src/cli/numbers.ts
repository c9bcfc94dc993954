/**
 * One validator for every numeric flag of every tamkit CLI: a negative count, a zero where zero means nothing,
 * a fraction where a whole number is needed or a word where a number is needed is a usage error (exit 2)
 * naming the flag and the range, before any work starts.
 */
import type { Options } from 'yargs';
import { UsageError } from '../errors.js';

/** The values a numeric flag accepts. */
export interface NumberRange {
  /** Whole numbers only. Default false. */
  integer?: boolean;
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Values must be greater than this (exclusive), e.g. 0 for "positive". */
  above?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  /** Values must be less than this (exclusive), e.g. 1 for a probability that cannot be 1. */
  below?: number;
  /** How to fix a bad value, when more helpful than the range (e.g. "use --all to remove every entry"). */
  remedy?: string;
}

/** The range in words: "a whole number >= 1", "a number > 0 and <= 1". */
export function describeRange(range: NumberRange): string {
  const bounds = [
    range.above !== undefined ? `> ${range.above}` : undefined,
    range.min !== undefined ? `>= ${range.min}` : undefined,
    range.max !== undefined ? `<= ${range.max}` : undefined,
    range.below !== undefined ? `< ${range.below}` : undefined,
  ].filter(Boolean);
  return `${range.integer ? 'a whole number' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}

/**
 * yargs rethrows an error from an option's `coerce` as its own error with the message alone; the errors the
 * validator threw are kept here by message, so the CLI plumbing can report them whole (with their remedy).
 */
const coerceErrors = new Map<string, UsageError>();

/** The `UsageError` a numeric flag's validator threw with this message, if any (removed once taken). */
export function takeCoerceError(message: string): UsageError | undefined {
  const error = coerceErrors.get(message);
  coerceErrors.delete(message);
  return error;
}

/** Returns `value` when it is a finite number in `range`; otherwise throws a `UsageError` naming `flag`. */
export function checkNumber(flag: string, value: unknown, range: NumberRange): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  const ok =
    Number.isFinite(n) &&
    (!range.integer || Number.isInteger(n)) &&
    (range.min === undefined || n >= range.min) &&
    (range.above === undefined || n > range.above) &&
    (range.max === undefined || n <= range.max) &&
    (range.below === undefined || n < range.below);
  if (!ok) {
    const shown = Number.isNaN(n) ? `${flag} is not a number` : `${flag} ${String(value)}`;
    throw new UsageError(
      `${shown}: expected ${describeRange(range)}`,
      range.remedy ?? `Write e.g. ${flag} ${range.min ?? (range.above !== undefined ? range.above + 1 : 1)}.`,
    );
  }
  return n;
}

/**
 * A numeric flag, validated when parsed: spread the result into `.options({...})`. `extra` adds yargs settings
 * (`default`, `demandOption`); the value of an absent flag without a default stays `undefined`.
 */
export function numberOption<const N extends string, const E extends Options = object>(
  name: N,
  describe: string,
  range: NumberRange,
  extra?: E,
) {
  const option = {
    type: 'number',
    // nargs 1: a negative value is taken as the value, not as short flags ("--x -5%" used to be "Unknown arguments").
    nargs: 1,
    describe: `${describe} (${describeRange(range)})`,
    coerce: (value: number): number => {
      try {
        return checkNumber(`--${name}`, value, range);
      } catch (error) {
        if (error instanceof UsageError) coerceErrors.set(error.message, error);
        throw error;
      }
    },
    ...(extra as E),
  } as const satisfies Options;
  return { [name]: option } as { [K in N]: typeof option };
}

/** Seeds: whole numbers in [0, 2^32), as every tamkit generator takes them. */
export const SEED_RANGE: NumberRange = { integer: true, min: 0, max: 0xffffffff };
