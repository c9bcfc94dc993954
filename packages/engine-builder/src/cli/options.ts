import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';

/** Where engines are cached when --cache is not given: $TAMKIT_ENGINE_CACHE, else the XDG cache directory. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TAMKIT_ENGINE_CACHE) return env.TAMKIT_ENGINE_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tamkit', 'engines');
}

/** --cache: shared by build and the cache commands. */
export function withCacheOption<T>(y: Argv<T>) {
  return y.option('cache', {
    type: 'string',
    describe: 'Engine cache directory (default: $TAMKIT_ENGINE_CACHE or ~/.cache/tamkit/engines)',
  });
}

/** --trtexec: shared by every command that may run trtexec. */
export function withTrtexecOption<T>(y: Argv<T>) {
  return y.option('trtexec', {
    type: 'string',
    describe: 'trtexec to run (default: $TRTEXEC, else trtexec on PATH)',
  });
}

/** Pads and truncates cells into an aligned text table. */
export function textTable(header: string[], rows: string[][], maxWidth = 60): string {
  const cut = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
