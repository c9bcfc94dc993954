import { describe, expect, it } from 'vitest';
import { type CliIo, createProgress, formatDuration } from '../src/cli/index.js';

function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('progress lines', () => {
  it('show k/N and an ETA from the time per step so far, in logs a line per tenth of the work', () => {
    const lines: string[] = [];
    const io: CliIo = { out() {}, err: (t) => lines.push(t) };
    const c = clock();
    const p = createProgress(io, 'bisect', 20, c.now);
    for (let k = 1; k <= 20; k++) {
      c.advance(3000);
      p.update(k, `evaluation ${k}`);
    }
    p.finish();
    // 20 steps: the first step, then a line at every second step (each tenth), none repeated.
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('bisect [#...................] 1/20 5% 00:03 elapsed, ETA 00:57  evaluation 1');
    expect(lines[5]).toMatch(/10\/20 50% 00:30 elapsed, ETA 00:30/);
    expect(lines.at(-1)).toMatch(/20\/20 100% 01:00 elapsed, ETA 00:00/);
  });

  it('print a line at least every 15 s when a tenth takes longer, and use the ETA the caller knows', () => {
    const lines: string[] = [];
    const c = clock();
    const p = createProgress({ out() {}, err: (t) => lines.push(t) }, 'lasot', 1000, c.now);
    p.update(1);
    c.advance(16_000);
    p.update(2, undefined, 90_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/2\/1000 0% 00:16 elapsed, ETA 01:30/);
  });

  it('redraw one line on a terminal and end it on finish; print nothing without an io (--quiet)', () => {
    const written: string[] = [];
    const io: CliIo = { out() {}, err() {}, terminal: { write: (t) => written.push(t), columns: 40 } };
    const p = createProgress(io, 'frames', 4);
    p.update(1);
    p.update(2);
    p.finish();
    expect(written.slice(0, 2).every((w) => w.startsWith('\r') && w.length <= 1 + 39 + 3)).toBe(true);
    expect(written.at(-1)).toBe('\n');
    const silent = createProgress(undefined, 'x', 2);
    expect(() => silent.update(1)).not.toThrow();
  });

  it('formats durations as mm:ss, h:mm:ss, and --:-- while unknown', () => {
    expect(formatDuration(61_000)).toBe('01:01');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(undefined)).toBe('--:--');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });
});
