import { UsageError } from '@tamkit/common';

/**
 * Parses a relative threshold as users write it: "5%" or "0.05" both mean 5%. A bare number of 1 or more is
 * refused rather than guessed at ("5" could mean 5% or 500%).
 */
export function parseThreshold(text: string | number, option = 'threshold'): number {
  const raw = String(text).trim();
  const percent = raw.endsWith('%');
  const value = Number(percent ? raw.slice(0, -1) : raw);
  const ratio = percent ? value / 100 : value;
  if (raw === '' || raw === '%' || !Number.isFinite(ratio) || ratio < 0 || ratio >= 1) {
    throw new UsageError(
      `--${option} ${raw} is not a relative change between 0% and 100%.`,
      `Write it as a percentage (--${option} 5%) or a fraction (--${option} 0.05).`,
    );
  }
  return ratio;
}
