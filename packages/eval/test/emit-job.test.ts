/** `track-eval lasot --emit slurm|k8s`: the jobs are valid for their scheduler and every task finds its shard. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { resolveShard } from '../src/run/shard-source.js';
import { captureIo, tempDir } from './helpers.js';

const RUN = ['lasot', '--root', '/data/LaSOT', '--models', '/data/models', '--stack', 'trt-fp16'];

async function emit(args: string[]) {
  const io = captureIo();
  const code = await main([...RUN, ...args], io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

/** The value after `flag` in an argv. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at < 0 ? undefined : argv[at + 1];
}

describe('--emit k8s', () => {
  it('writes an Indexed Job that validates against the Kubernetes batch/v1 Job schema', async () => {
    const { code, stdout } = await emit(['--emit', 'k8s', '--shard-count', '6', '--image', 'ghcr.io/me/tamkit:1']);
    expect(code).toBe(ExitCode.Ok);
    const manifest = JSON.parse(stdout);
    expect(() => new Job(manifest).validate()).not.toThrow();
    expect(manifest.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 6,
      parallelism: 6,
      backoffLimitPerIndex: 3,
      template: { spec: { restartPolicy: 'Never' } },
    });
    const [container] = manifest.spec.template.spec.containers;
    expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(container.image).toBe('ghcr.io/me/tamkit:1');
  });

  it('the validator is live: a wrong completion mode or a string count fails it', async () => {
    const manifest = JSON.parse((await emit(['--emit', 'k8s', '--shard-count', '2', '--image', 'i'])).stdout);
    expect(() => new Job({ ...manifest, spec: { ...manifest.spec, completionMode: 'Indexd' } }).validate()).toThrow();
    expect(() => new Job({ ...manifest, spec: { ...manifest.spec, completions: '2' } }).validate()).toThrow();
  });

  it('every index 0..n-1 of the pods resolves to its own shard from the command the manifest carries', async () => {
    const manifest = JSON.parse((await emit(['--emit', 'k8s', '--shard-count', '5', '--image', 'i'])).stdout);
    const command: string[] = manifest.spec.template.spec.containers[0].command;
    expect(command.slice(0, 2)).toEqual(['track-eval', 'lasot']);
    expect(flagValue(command, '--shard')).toBe('auto');
    expect(flagValue(command, '--root')).toBe('/data/LaSOT');
    const count = Number(flagValue(command, '--shard-count'));
    const shards = Array.from({ length: manifest.spec.completions }, (_, i) =>
      resolveShard('auto', { JOB_COMPLETION_INDEX: String(i) }, count),
    );
    expect(shards.map((s) => s.shard)).toEqual([1, 2, 3, 4, 5].map((index) => ({ index, count: 5 })));
  });

  it('--gpus-per-task 0 and a volume claim: no GPU limit, the claim mounted where the paths point', async () => {
    const args = ['--emit', 'k8s', '--shard-count', '2', '--image', 'i', '--gpus-per-task', '0'];
    const { stdout } = await emit([...args, '--volume-claim', 'lasot', '--namespace', 'ml']);
    const manifest = JSON.parse(stdout);
    expect(() => new Job(manifest).validate()).not.toThrow();
    const pod = manifest.spec.template.spec;
    expect(pod.containers[0].resources).toBeUndefined();
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(pod.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'lasot' } }]);
    expect(manifest.metadata.namespace).toBe('ml');
  });
});

describe('--emit slurm', () => {
  it('writes an array script: one task per shard, requeue, one GPU each, logs per array job and task', async () => {
    const dir = await tempDir();
    const file = join(dir, 'lasot.sbatch');
    const out = join(dir, 'runs');
    const { code } = await emit(['--emit', 'slurm', '--shard-count', '4', '--emit-file', file, '-o', out]);
    expect(code).toBe(ExitCode.Ok);
    const script = await readFile(file, 'utf8');
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(directives).toEqual([
      '#SBATCH --job-name=track-eval-trt-fp16',
      '#SBATCH --array=0-3',
      '#SBATCH --ntasks=1',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --requeue',
      `#SBATCH --output=${out}/logs/%x-%A_%a.out`,
      '#SBATCH --open-mode=append',
    ]);
    expect(script).toContain(`export TAMKIT_JOB_SCRIPT=${file}`);
    expect(script).toMatch(
      new RegExp(
        `\nexec track-eval lasot --root /data/LaSOT --models /data/models --stack trt-fp16 --out ${out} .*--shard auto --shard-count 4\n`,
      ),
    );
    // Slurm opens the logs before the script runs: the folder exists once the script is written.
    expect((await stat(join(out, 'logs'))).isDirectory()).toBe(true);
  });

  it('the same options as a local run, --gpus-per-task 0 leaves out the GPU request, each task id is its shard', async () => {
    const { stdout } = await emit([
      '--emit',
      'slurm',
      '--shard-count',
      '3',
      '--gpus-per-task',
      '0',
      '--split',
      'lasot-test',
      '--kalman',
      '--threads',
      '2',
      '--job-command',
      'node /opt/t/track-eval.js',
      '--partition',
      'gpu',
      '--time',
      '01:00:00',
    ]);
    expect(stdout).not.toContain('gpus');
    expect(stdout).toContain('#SBATCH --partition=gpu\n#SBATCH --time=01:00:00\n');
    const exec = stdout.split('\n').find((l) => l.startsWith('exec '))!;
    expect(exec).toMatch(
      /^exec node \/opt\/t\/track-eval\.js lasot .* --split lasot-test --convention lasot --kalman --threads 2 --shard auto --shard-count 3$/,
    );
    const argv = exec.split(' ');
    const count = Number(flagValue(argv, '--shard-count'));
    const env = (id: number) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_COUNT: '3',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '2',
    });
    expect([0, 1, 2].map((id) => resolveShard('auto', env(id), count).shard.index)).toEqual([1, 2, 3]);
  });

  it('BAD CALL - --emit without --shard-count, with --shard, k8s without --image, --shard-count alone: usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--emit', 'slurm'], /needs --shard-count N/],
      [['--emit', 'slurm', '--shard-count', '2', '--shard', '1/2'], /not --shard/],
      [['--emit', 'k8s', '--shard-count', '2'], /needs --image/],
      [['--emit', 'slurm', '--shard-count', '2', '--gpus-per-task', '-1'], /--gpus-per-task -1/],
      [['--shard-count', '2'], /--shard-count goes with --shard auto/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await emit(args);
      expect(code, args.join(' ')).toBe(ExitCode.Usage);
      expect(stderr).toMatch(message);
    }
  });
});
