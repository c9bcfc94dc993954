import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRunner,
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

  it('are unavailable, naming the wiring point, when trtexec is found but engine-builder is not wired', () => {
    const availability = probeTrtStack({ PATH: dir });
    expect(availability).toMatchObject({
      available: false,
      reason: expect.stringContaining('engine-builder is not wired'),
    });
    if (!availability.available) expect(availability.remedy).toContain('WIRING POINT');
  });

  it('BAD CALL - activate on an unwired stack throws StackUnavailableError, never runs another stack', async () => {
    const runner = createRunner('trt-fp16', { env: { PATH: dir } });
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
          shapes,
          cacheDir: join(dir, 'engines'),
        },
      ]);
      expect(timings[0]).toMatchObject({
        enginePath: '/double/scores.engine',
        warmupIterations: 3,
        iterations: 4,
        shapes,
      });
      expect(measured.latency).toMatchObject({ samples: 4, minMs: 1, maxMs: 4, meanMs: 2.5 });
      expect(measured.h2d?.samples).toBe(4);
      expect(runner.describeOptions()).toMatchObject({ precision: 'mixed', tensorrt: '10.99-double' });
    } finally {
      await runner.deactivate();
    }
  });
});
