import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker whose entry module is `entry` (a URL ending in `.js`, resolved next to the caller's module).
 * The built entry runs as it is; under the TypeScript sources (tests, `--conditions=source` runs) the `.ts` entry
 * beside it runs through tsx's loader, which the repository's dev dependencies provide.
 */
export function startWorker(entry: URL): Worker {
  if (existsSync(fileURLToPath(entry))) return new Worker(entry);
  // A worker's --import does not reach its entry module on Node 20, so register tsx's loader first, then import.
  const source = JSON.stringify(entry.href.replace(/\.js$/, '.ts'));
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`, {
    eval: true,
    execArgv: ['--conditions=source'],
  });
}
