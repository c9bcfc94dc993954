import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ToolkitError } from '@tamkit/common';

/** Options of `acquireLock`. */
export interface LockOptions {
  /** A lock older than this is taken over even if its owner looks alive (a hung build). Default 6 h. */
  staleMs?: number;
  /** How often to look again while another process holds the lock. Default 250 ms. */
  pollMs?: number;
  /** Give up waiting after this long. Default: wait as long as the owner is alive. */
  waitTimeoutMs?: number;
  /** Called once when the lock is found held by someone else (for a "waiting for..." message). */
  onWait?: (owner: string) => void;
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  let owner: LockOwner;
  try {
    owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    // Half-written or vanished lock file: judge by its age, so a writer that is mid-write is not robbed.
    try {
      return Date.now() - (await stat(path)).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  if (Date.now() - owner.startedAt > staleMs) return true;
  return owner.host === hostname() && !alive(owner.pid);
}

/**
 * Takes an exclusive lock file (created with O_EXCL, so exactly one process wins) and returns its release function.
 * A lock whose owner died on this host, or that is older than `staleMs`, is removed and retried.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 6 * 3600_000;
  const pollMs = options.pollMs ?? 250;
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: Date.now() };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(path, staleMs)) {
      await rm(path, { force: true });
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(await readFile(path, 'utf8').catch(() => 'unknown owner'));
    }
    if (options.waitTimeoutMs !== undefined && Date.now() - started > options.waitTimeoutMs) {
      throw new ToolkitError('CACHE_LOCK_TIMEOUT', `Timed out waiting for the cache lock ${path}`, {
        remedy:
          'Another build of the same engine is still running; wait for it, or remove the lock file if that build is gone.',
      });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
