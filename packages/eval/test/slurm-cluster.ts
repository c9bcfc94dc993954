/**
 * A single-node Slurm cluster for tests: munged, slurmctld and slurmd started as root from a slurm.conf in a
 * temporary folder (one node, one partition, no GPU gres, no accounting), on free ports, torn down by `stop`.
 * Debian's `slurm-wlm` and `munge` packages provide the daemons.
 */
import { execFile as execFileCb } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);

/** A running cluster. */
export interface SlurmCluster {
  /** Environment for Slurm commands (`SLURM_CONF`). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Runs a Slurm command (`sbatch`, `squeue`, `scontrol`) against this cluster; resolves to its stdout. */
  run(command: string, args: readonly string[]): Promise<string>;
  /** The last lines of the daemons' logs, for a failure message. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];

async function which(program: string): Promise<boolean> {
  return execFile('sh', ['-c', `command -v ${program} || test -x /usr/sbin/${program}`]).then(
    () => true,
    () => false,
  );
}

/** Why a cluster cannot start here, or `undefined` when it can be tried. */
export async function slurmUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `Slurm test clusters need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the Slurm daemons run as root here and this test is not root';
  const missing: string[] = [];
  for (const program of DAEMONS) if (!(await which(program))) missing.push(program);
  if (missing.length > 0) return `${missing.join(', ')} not installed (apt-get install slurm-wlm munge)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sbin = (program: string) => `/usr/sbin/${program}`;

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts the cluster in `dir` and waits until its node is idle (throws with the logs if it does not come up). */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  for (const sub of ['state', 'spool', 'log']) await mkdir(join(dir, sub), { recursive: true });
  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const socket = join(dir, 'munge.socket');
  const conf = join(dir, 'slurm.conf');
  // Only what a one-node test cluster needs: no cgroups (linuxproc), no accounting, no MPI plugin stack.
  await writeFile(
    conf,
    [
      'ClusterName=tamkit-test',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      // A killed job's credential stays revoked for cred_expire seconds, and a requeued job waits that long before
      // it may start again (default 120 s); 10 s keeps the requeue test short.
      `AuthInfo=socket=${socket},cred_expire=10`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'JobRequeue=1',
      'MpiDefault=none',
      'PlugStackConfig=/dev/null',
      // Scheduling passes every second, so a requeued task starts again soon.
      'SchedulerParameters=sched_interval=1',
      // The node's real CPU count: slurmd drains a node configured with more than it has.
      `NodeName=${node} CPUs=${availableParallelism()} State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const key = join(dir, 'munge.key');
  await execFile('sh', ['-c', `head -c 1024 /dev/urandom > '${key}' && chmod 400 '${key}'`]);
  const env = { ...process.env, SLURM_CONF: conf };
  const log = (name: string) => join(dir, 'log', name);
  const cluster: SlurmCluster = {
    env,
    dir,
    run: async (command, args) => (await execFile(command, [...args], { env })).stdout,
    logs: async () => {
      const tails = await Promise.all(
        ['munged.log', 'slurmctld.log', 'slurmd.log'].map(async (f) => {
          const text = await readFile(log(f), 'utf8').catch(() => '(none)');
          return `--- ${f}\n${text.split('\n').slice(-15).join('\n')}`;
        }),
      );
      return tails.join('\n');
    },
    stop: async () => {
      // Only the daemons this cluster started, by the pids they wrote.
      for (const pidFile of ['slurmd.pid', 'slurmctld.pid', 'munged.pid']) {
        const pid = await readPid(join(dir, pidFile));
        if (pid === undefined) continue;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          continue;
        }
        for (let i = 0; i < 50; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await execFile(sbin('munged'), [
      '--force',
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--log-file=${log('munged.log')}`,
      `--pid-file=${join(dir, 'munged.pid')}`,
      `--seed-file=${join(dir, 'munged.seed')}`,
    ]);
    // -i: ignore any saved state (a fresh folder has none anyway).
    await execFile(sbin('slurmctld'), ['-f', conf, '-i'], { env });
    await execFile(sbin('slurmd'), ['-f', conf], { env });
    for (let i = 0; i < 100; i++) {
      const state = await cluster.run('sinfo', ['-h', '-o', '%t']).catch(() => '');
      if (state.trim() === 'idle') return cluster;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the Slurm node did not become idle within 20 s\n${await cluster.logs()}`);
  } catch (error) {
    const logs = await cluster.logs();
    await cluster.stop();
    throw new Error(`the test Slurm cluster did not start: ${(error as Error).message}\n${logs}`);
  }
}
