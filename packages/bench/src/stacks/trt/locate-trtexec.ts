import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type TrtexecLocation = { found: true; path: string } | { found: false; reason: string };

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds trtexec: `TRTEXEC` (a path) wins, then every directory of `PATH`. Pure apart from file checks. */
export function locateTrtexec(env: Record<string, string | undefined> = process.env): TrtexecLocation {
  const explicit = env.TRTEXEC;
  if (explicit !== undefined && explicit !== '') {
    return isExecutableFile(explicit)
      ? { found: true, path: explicit }
      : { found: false, reason: `TRTEXEC=${explicit} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'trtexec');
    if (isExecutableFile(candidate)) return { found: true, path: candidate };
  }
  return { found: false, reason: 'no trtexec on PATH and TRTEXEC is not set' };
}

export const TRTEXEC_REMEDY =
  'Install TensorRT (trtexec ships in its bin/ folder, e.g. /usr/src/tensorrt/bin) and add it to PATH, ' +
  'or set TRTEXEC=/path/to/trtexec.';
