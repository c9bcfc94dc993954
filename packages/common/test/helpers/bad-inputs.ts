/**
 * Shared by the table-driven bad-input suites of the four CLIs: a folder this process cannot write, and the
 * runner that checks one row (exit code, message on stderr, nothing written).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * A folder this process cannot write: chmod 555 for a normal user; root ignores modes, so sysfs (/sys), which
 * refuses new files even to root. Undefined when neither exists (the rows that need it are then skipped, and
 * the suite says so).
 */
export async function unwritableFolder(scratch: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    const ro = join(scratch, 'read-only');
    await mkdir(ro, { recursive: true });
    await chmod(ro, 0o555);
    return ro;
  }
  const sys = await stat('/sys').catch(() => undefined);
  return sys?.isDirectory() ? '/sys' : undefined;
}

/** One row of a bad-input table: the arguments, the exit code and what stderr must say. */
export interface BadInput {
  /** What the row attacks, shown when it fails. */
  name: string;
  argv: string[];
  code: number;
  message: RegExp;
  /** Paths that must not exist afterwards (outputs the command was asked to write). */
  writesNothing?: string[];
}

/** Runs a CLI's `main` on one row and checks its exit code, its message and that it wrote nothing. */
export async function expectBadInput(
  main: (argv: string[], io: { out(t: string): void; err(t: string): void }) => Promise<number>,
  row: BadInput,
): Promise<void> {
  const err: string[] = [];
  const code = await main(row.argv, { out: () => undefined, err: (t) => err.push(t) });
  const text = err.join('\n');
  expect(code, `${row.name}: ${row.argv.join(' ')}\n${text}`).toBe(row.code);
  expect(text, row.name).toMatch(row.message);
  expect(text, `${row.name}: a user's mistake is never an internal error`).not.toMatch(/internal error/);
  for (const path of row.writesNothing ?? []) expect(existsSync(path), `${row.name}: wrote ${path}`).toBe(false);
}
