import type { CliIo } from '@tamkit/common/cli';

function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mm = String(m).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * A progress bar on stderr. On a terminal it redraws one line; elsewhere (CI logs, pipes) it prints a line at
 * every 10 % so logs stay short. Library code reports progress through callbacks; only the CLI draws it.
 */
export function createProgressBar(
  io: CliIo,
  label: string,
): (done: number, total: number, etaMs?: number, note?: string) => void {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (done, total, etaMs, note) => {
    const fraction = total > 0 ? done / total : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const text = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${(fraction * 100).toFixed(0)}% ETA ${formatDuration(etaMs)}${note ? ` ${note}` : ''}`;
    if (tty) {
      process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 120) - 1)}\x1b[K${done >= total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      io.err(text);
    }
  };
}
