/**
 * What the file helpers need from node:crypto and node:os, loaded on first use rather than with the module:
 * loading them cost ~3 ms and ~1 ms of every command's start-up, before its first step, though only writing
 * (temp names) and large reads (slices per core) need them.
 */
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

/** `bytes` random bytes as hex (2 digits each). */
export function randomHex(bytes: number): string {
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return randomBytes(bytes).toString('hex');
}

/** How many threads can run at once here (os.availableParallelism). */
export function availableCores(): number {
  return (requireBuiltin('node:os') as typeof import('node:os')).availableParallelism();
}
