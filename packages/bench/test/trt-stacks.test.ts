import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRunner,
  engineBuilderPort,
  locateTrtexec,
  measureRunner,
  probeTrtStack,
  RunnerErrorCode,
  StackUnavailableError,
  setTrtEnginePort,
  type TrtBuildRequest,
  type TrtEnginePort,
  type TrtTimingRequest,
} from '../src/index.js';
import { ATTENTION_SCORES_MODEL, writeTinyModels } from './helpers/tiny-models.js';

// trtexec and TensorRT cannot run here. These tests use two test doubles at that process boundary:
// - `trtexec-double`: an executable file named trtexec that is only located on PATH, never run;
// - `trtexecPortDouble`: stands in for engine-builder + a trtexec process, returning samples it made up.
// Neither ever feeds a benchmark or a report.

let dir: string;
let models: Awaited<ReturnType<typeof writeTinyModels>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-trtexec-double-'));
  await writeFile(join(dir, 'trtexec'), '#!/bin/sh\necho "trtexec-double: never run by these tests" >&2\nexit 99\n');
  await chmod(join(dir, 'trtexec'), 0o755);
  await writeFile(join(dir, 'not-executable'), '');
  models = await writeTinyModels({ scores: ATTENTION_SCORES_MODEL });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await models.dispose();
});
afterEach(() => setTrtEnginePort(undefined));

describe('locateTrtexec', () => {
  it('prefers TRTEXEC, then searches PATH', () => {
    expect(locateTrtexec({ TRTEXEC: join(dir, 'trtexec'), PATH: '' })).toEqual({
      found: true,
      path: join(dir, 'trtexec'),
    });
    expect(locateTrtexec({ PATH: `/nonexistent:${dir}` })).toEqual({ found: true, path: join(dir, 'trtexec') });
  });

  it('BAD CALL - says why when TRTEXEC is not executable or nothing is on PATH', () => {
    expect(locateTrtexec({ TRTEXEC: join(dir, 'not-executable') })).toEqual({
      found: false,
      reason: `TRTEXEC=${join(dir, 'not-executable')} is not an executable file`,
    });
    expect(locateTrtexec({ PATH: '/nonexistent' })).toMatchObject({
      found: false,
      reason: expect.stringMatching(/no trtexec on PATH/),
    });
  });
});

describe('trt-* stacks', () => {
  it('are unavailable with an install remedy when no trtexec is found', () => {
    const availability = probeTrtStack({ PATH: '/nonexistent' });
    expect(availability).toMatchObject({
      available: false,
      remedy: expect.stringContaining('TRTEXEC=/path/to/trtexec'),
    });
  });

  it('are available when trtexec is found, through the engine-builder adapter by default', () => {
    expect(probeTrtStack({ PATH: dir })).toMatchObject({
      available: true,
      detail: `trtexec at ${join(dir, 'trtexec')}`,
    });
  });

  it('are unavailable, saying why, when the engine port was unset', () => {
    setTrtEnginePort(null);
    const availability = probeTrtStack({ PATH: dir });
    expect(availability).toMatchObject({
      available: false,
      reason: expect.stringContaining('engine-builder is not wired'),
    });
  });

  it('BAD CALL - activate without trtexec throws StackUnavailableError, never runs another stack', async () => {
    const runner = createRunner('trt-fp16', { env: { PATH: '/nonexistent' } });
    await expect(runner.activate(join(models.dir, 'scores.onnx'))).rejects.toBeInstanceOf(StackUnavailableError);
  });

  it('build the engine at the stack precision with the resolved shapes, then report trtexec samples', async () => {
    const builds: TrtBuildRequest[] = [];
    const timings: TrtTimingRequest[] = [];
    const trtexecPortDouble: TrtEnginePort = {
      async buildEngine(request) {
        builds.push(request);
        return {
          enginePath: '/double/scores.engine',
          tensorrtVersion: '10.99-double',
          command: ['trtexec', '--double'],
        };
      },
      async timeEngine(request) {
        timings.push(request);
        return {
          latencyMs: [1, 2, 3, 4],
          h2dMs: [0.1, 0.1, 0.2, 0.2],
          command: ['trtexec', '--loadEngine=/double/scores.engine'],
        };
      },
    };
    setTrtEnginePort(trtexecPortDouble);
    const runner = createRunner('trt-mixed', { env: { PATH: dir }, cacheDir: join(dir, 'engines') });
    expect(runner.capabilities).toEqual({ inProcess: false, deviceOutputs: false, placement: false, selfTimed: true });
    await runner.activate(join(models.dir, 'scores.onnx'));
    try {
      expect(runner.inputs.map((i) => i.name)).toEqual(['a', 'b']);
      await expect(runner.infer({})).rejects.toMatchObject({ code: RunnerErrorCode.NotSupported });
      const shapes = { a: [5, 8], b: [8, 4] };
      const measured = await measureRunner(runner, {}, { warmupIterations: 3, iterations: 4 }, shapes);
      expect(builds).toEqual([
        {
          modelPath: join(models.dir, 'scores.onnx'),
          precision: 'mixed',
          trtexecPath: join(dir, 'trtexec'),
          // Only the dynamic input (a: ['rows', 8]) carries a shape; b is static.
          shapes: { a: [5, 8] },
          cacheDir: join(dir, 'engines'),
          env: { PATH: dir },
        },
      ]);
      expect(timings[0]).toMatchObject({
        enginePath: '/double/scores.engine',
        warmupIterations: 3,
        iterations: 4,
        shapes: { a: [5, 8] },
      });
      expect(measured.latency).toMatchObject({ samples: 4, minMs: 1, maxMs: 4, meanMs: 2.5 });
      expect(measured.h2d?.samples).toBe(4);
      expect(runner.describeOptions()).toMatchObject({ precision: 'mixed', tensorrt: '10.99-double' });
    } finally {
      await runner.deactivate();
    }
  });
});

// The engine-builder adapter end to end, with engine-builder's own test doubles for trtexec and nvidia-smi at the
// process boundary (packages/engine-builder/test/doubles): they replay fixture text and compute nothing, so this
// checks only which trtexec command lines the adapter asks for and that every exported iteration comes back.
describe('engine-builder adapter (with the trtexec and nvidia-smi test doubles)', () => {
  const engineBuilderTest = fileURLToPath(new URL('../../engine-builder/test/', import.meta.url));
  const trtexecDouble = join(engineBuilderTest, 'doubles', 'trtexec-double.mjs');
  const nvidiaSmiDouble = join(engineBuilderTest, 'doubles', 'nvidia-smi-double.mjs');
  const fixture = (name: string) => join(engineBuilderTest, 'fixtures', 'trtexec-10', name);
  const exportedIterations = () => (JSON.parse(readFileSync(fixture('times.json'), 'utf8')) as unknown[]).length;

  it('builds at the stack precision with one profile at the benchmarked shapes, then times exactly N iterations', async () => {
    const argvFile = join(dir, 'trtexec-argv.jsonl');
    const env = {
      ...process.env,
      // The nvidia-smi double lists two GPU models: only PCI bus order says which one device 0 is.
      CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
      TRTEXEC: trtexecDouble,
      TRTEXEC_DOUBLE_ARGV_FILE: argvFile,
      TRTEXEC_DOUBLE_RUN_LOG: fixture('run.log'),
      TRTEXEC_DOUBLE_TIMES: fixture('times.json'),
    };
    setTrtEnginePort(engineBuilderPort({ nvidiaSmi: nvidiaSmiDouble }));
    const runner = createRunner('trt-fp16', { env, cacheDir: join(dir, 'engine-cache') });
    await runner.activate(join(models.dir, 'scores.onnx'));
    try {
      const measured = await measureRunner(
        runner,
        {},
        { warmupIterations: 2, iterations: 4 },
        { a: [5, 8], b: [8, 4] },
      );
      const calls = readFileSync(argvFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { args: string[] }).args);
      const build = calls.find((args) => args.some((a) => a.startsWith('--saveEngine=')))!;
      const run = calls.find((args) => args.some((a) => a.startsWith('--loadEngine=')))!;
      expect(build).toContain('--fp16');
      // Only the dynamic input gets shapes: trtexec rejects shapes for static inputs.
      expect(build).toEqual(expect.arrayContaining(['--minShapes=a:5x8', '--optShapes=a:5x8', '--maxShapes=a:5x8']));
      expect(run).toEqual(expect.arrayContaining(['--shapes=a:5x8', '--iterations=4', '--duration=0']));
      expect(measured.latency.samples).toBe(exportedIterations());
      expect(measured.h2d?.samples).toBe(exportedIterations());
      expect(measured.d2h?.samples).toBe(exportedIterations());
      expect(runner.describeOptions()).toMatchObject({ precision: 'fp16', tensorrt: expect.stringMatching(/^10\./) });
    } finally {
      await runner.deactivate();
    }
  });
});
