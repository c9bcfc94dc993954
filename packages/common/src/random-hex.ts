/**
 * Random hex digits for temp file names. node:crypto is loaded on first use, not with the module: loading it costs
 * ~3 ms, which every command paid at start-up, before its first step, though only writing needs it.
 */
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

/** `bytes` random bytes as hex (2 digits each). */
export function randomHex(bytes: number): string {
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return randomBytes(bytes).toString('hex');
}
