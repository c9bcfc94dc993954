/**
 * Progress of long work as `label [####......] k/N 40% 01:12 elapsed, ETA 01:48`. Library code reports progress
 * through callbacks; only a CLI draws it. On a terminal the line is redrawn in place; elsewhere (CI logs,
 * pipes) a line is printed at every tenth of the work and at least every 15 s, so logs stay short but alive.
 */
import type { CliIo } from './command-io.js';

/** A progress line for `total` steps. */
export interface Progress {
  /**
   * `done` steps of the total are finished. The ETA is the time per step so far times the steps left, unless
   * the caller knows better (`etaMs`, e.g. from frames actually tracked rather than skipped).
   */
  update(done: number, note?: string, etaMs?: number): void;
  /** Changes the number of steps (work found on the way). */
  setTotal(total: number): void;
  /** Ends the line (on a terminal: moves to the next line). */
  finish(): void;
}

/** `mm:ss`, or `h:mm:ss` from an hour on; `--:--` while unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const LOG_INTERVAL_MS = 15_000;

/**
 * A progress line on `io` (nothing when `io` is undefined, e.g. under `--quiet`). `now` is the clock in ms
 * (tests pass their own).
 */
export function createProgress(
  io: CliIo | undefined,
  label: string,
  initialTotal: number,
  now: () => number = () => performance.now(),
): Progress {
  const started = now();
  let total = initialTotal;
  let lastDecile = -1;
  let lastPrinted = -1;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let open = false;
  const render = (done: number, note: string | undefined, etaMs: number | undefined): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const elapsed = now() - started;
    const eta = etaMs ?? (done > 0 ? (elapsed / done) * Math.max(0, total - done) : undefined);
    const width = 20;
    const filled = Math.round(fraction * width);
    return (
      `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${(fraction * 100).toFixed(0)}% ` +
      `${formatDuration(elapsed)} elapsed, ETA ${done >= total ? '00:00' : formatDuration(eta)}${note ? `  ${note}` : ''}`
    );
  };
  return {
    update(done, note, etaMs) {
      if (!io) return;
      const text = render(done, note, etaMs);
      const terminal = io.terminal;
      if (terminal) {
        const columns = terminal.columns ?? 120;
        terminal.write(`\r${text.slice(0, columns - 1)}\x1b[K`);
        open = true;
        return;
      }
      const decile = Math.floor((total > 0 ? done / total : 1) * 10);
      const t = now();
      if (done === lastPrinted) return;
      if (decile !== lastDecile || t - lastLineAt >= LOG_INTERVAL_MS || done >= total) {
        lastDecile = decile;
        lastPrinted = done;
        lastLineAt = t;
        io.err(text);
      }
    },
    setTotal(next) {
      total = next;
    },
    finish() {
      if (io?.terminal && open) io.terminal.write('\n');
      open = false;
    },
  };
}
