import { ExitCode } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { resolveShard } from '../src/run/shard-source.js';

const slurm = (id: number, count: number, min = 0, max = min + count - 1) => ({
  SLURM_ARRAY_JOB_ID: '77',
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_COUNT: String(count),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
});

describe('--shard auto', () => {
  it('reads a Slurm array task relative to the first id, and says so in one line', () => {
    expect(resolveShard('auto', slurm(0, 4)).shard).toEqual({ index: 1, count: 4 });
    expect(resolveShard('auto', slurm(3, 4)).shard).toEqual({ index: 4, count: 4 });
    // --array=1-4: ids 1..4 are shards 1..4.
    expect(resolveShard('auto', slurm(1, 4, 1)).shard).toEqual({ index: 1, count: 4 });
    const found = resolveShard('auto', slurm(2, 4));
    expect(found.source).toBe('slurm');
    expect(found.description).toMatch(/^shard 3\/4 from the Slurm array job 77 \(SLURM_ARRAY_TASK_ID=2, /);
    expect(found.description).not.toContain('\n');
  });

  it('a rerun of some indices (sbatch --array=1,3) keeps its shards with --shard-count', () => {
    expect(resolveShard('auto', slurm(1, 2, 1, 3), 4).shard).toEqual({ index: 2, count: 4 });
    expect(resolveShard('auto', slurm(3, 2, 1, 3), 4).shard).toEqual({ index: 4, count: 4 });
    // One task resubmitted alone: --array=2 is shard 3 of 4.
    expect(resolveShard('auto', slurm(2, 1, 2, 2), 4).shard).toEqual({ index: 3, count: 4 });
    // The whole array with the count given is still relative to its first id.
    expect(resolveShard('auto', slurm(4, 4, 1), 4).shard).toEqual({ index: 4, count: 4 });
  });

  it('reads a Kubernetes Indexed Job index with the count given once', () => {
    const found = resolveShard('auto', { JOB_COMPLETION_INDEX: '5' }, 8);
    expect(found.shard).toEqual({ index: 6, count: 8 });
    expect(found.source).toBe('kubernetes');
    expect(found.description).toMatch(/Kubernetes Indexed Job \(JOB_COMPLETION_INDEX=5, --shard-count 8\)/);
  });

  it('takes an explicit i/n (CI matrices) whatever the environment holds', () => {
    const found = resolveShard('2/3', slurm(0, 4));
    expect(found).toMatchObject({ shard: { index: 2, count: 3 }, source: 'explicit' });
  });

  it('BAD CALL - auto outside any scheduler names the variables it looked for', () => {
    expect(() => resolveShard('auto', { PATH: '/bin' })).toThrow(
      /found no scheduler: none of SLURM_ARRAY_TASK_ID .* JOB_COMPLETION_INDEX/,
    );
  });

  it('BAD CALL - contradictions are usage errors (exit 2) that say which values disagree', () => {
    const cases: [string, Record<string, string>, number | undefined, RegExp][] = [
      ['auto', { ...slurm(0, 4), JOB_COMPLETION_INDEX: '0' }, undefined, /both a Slurm array task .* Kubernetes/],
      ['auto', { JOB_COMPLETION_INDEX: '1' }, undefined, /not how many there are/],
      ['auto', { JOB_COMPLETION_INDEX: '4' }, 4, /JOB_COMPLETION_INDEX=4 is not below --shard-count 4/],
      ['auto', slurm(0, 8), 4, /array has 8 tasks but --shard-count is 4/],
      ['auto', slurm(3, 2, 1, 3), undefined, /not one range .* Pass --shard-count/s],
      ['auto', slurm(5, 2, 1, 5), 4, /task 5 is outside the 4 shards/],
      ['auto', { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }, undefined, /SLURM_ARRAY_TASK_ID=x is not/],
      ['2/4', {}, 3, /says 4 shards but --shard-count says 3/],
    ];
    for (const [spec, env, count, message] of cases) {
      let error: unknown;
      try {
        resolveShard(spec, env, count);
      } catch (e) {
        error = e;
      }
      expect(error, `${spec} ${JSON.stringify(env)}`).toMatchObject({
        name: 'ShardResolutionError',
        code: 'SHARD_UNRESOLVED',
        exitCode: ExitCode.Usage,
      });
      expect((error as Error & { describe(): string }).describe()).toMatch(message);
    }
  });
});
