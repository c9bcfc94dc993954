import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const DOUBLES = join(import.meta.dirname, '..', 'doubles');
/** The trtexec test double (see test/doubles/trtexec-double.mjs): never feeds a benchmark or report. */
export const TRTEXEC_DOUBLE = join(DOUBLES, 'trtexec-double.mjs');
/** The nvidia-smi test double. */
export const NVIDIA_SMI_DOUBLE = join(DOUBLES, 'nvidia-smi-double.mjs');

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}
export function fixturePath(path: string): string {
  return join(FIXTURES, path);
}
