#!/usr/bin/env node
// Runs pnpm with the given arguments. A fresh clone may only have Node and npm: when no pnpm is on PATH we
// run the exact version pinned in package.json's "packageManager" through `npm exec`, so nothing is installed
// globally and every machine uses the same pnpm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const pinned = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).packageManager;
const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const usable = onPath.status === 0 && `pnpm@${onPath.stdout.trim()}` === pinned;
const [cmd, cmdArgs] = usable
  ? ['pnpm', args]
  : ['npm', ['exec', '--yes', `--package=${pinned}`, '--', 'pnpm', ...args]];
// onnxruntime-node's postinstall fetches CUDA provider binaries from NuGet, which is unreachable here and not
// needed by the CPU and WebGPU providers that ship inside the npm package; users with CUDA set it themselves.
const env = { ONNXRUNTIME_NODE_INSTALL: 'skip', ...process.env };
const run = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
process.exit(run.status ?? 1);
