import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Availability,
  createRunner,
  createRunnerWith,
  loadOrt,
  RunnerErrorCode,
  STACK_NAMES,
  STACKS,
  StackUnavailableError,
} from '../src/index.js';
import { ATTENTION_SCORES_MODEL, referenceScores, writeTinyModels } from './helpers/tiny-models.js';

// One suite every stack passes. On a machine where a stack cannot run, the suite checks that it says so (with a
// reason and a remedy) and never crashes; where it can run, the suite checks the full Runner contract.

let models: Awaited<ReturnType<typeof writeTinyModels>>;
let modelPath: string;
const probed = new Map<string, Availability>();

beforeAll(async () => {
  models = await writeTinyModels({ scores: ATTENTION_SCORES_MODEL });
  modelPath = `${models.dir}/scores.onnx`;
  for (const name of STACK_NAMES) probed.set(name, await STACKS[name].probe());
});
afterAll(() => models.dispose());

/** Skips the running test and prints why: a skip is never silent. */
function skipBecause(ctx: { skip: () => void }, name: string, reason: string): void {
  console.warn(`[bench conformance] skipped for ${name}: ${reason}`);
  ctx.skip();
}

/** Why the in-process tests cannot run on a stack, or undefined when they can. */
function notInProcess(name: (typeof STACK_NAMES)[number]): string | undefined {
  const availability = probed.get(name)!;
  if (!availability.available) return availability.reason;
  return STACKS[name].create().capabilities.inProcess ? undefined : 'runs out of process (trtexec)';
}

async function feedsFor(rows: number) {
  const ort = await loadOrt();
  const a = Float32Array.from({ length: rows * 8 }, (_, i) => Math.sin(i) * 2);
  const b = Float32Array.from({ length: 32 }, (_, i) => Math.cos(i));
  return { a, b, feeds: { a: new ort.Tensor('float32', a, [rows, 8]), b: new ort.Tensor('float32', b, [8, 4]) } };
}

describe.each(STACK_NAMES)('Runner conformance: %s', (name) => {
  it('probes without throwing and explains any unavailability with a reason and a remedy', () => {
    const availability = probed.get(name)!;
    if (!availability.available) {
      expect(availability.reason.length).toBeGreaterThan(10);
      expect(availability.remedy.length).toBeGreaterThan(10);
    }
  });

  it('creates an inactive runner without loading anything', () => {
    const runner = createRunner(name);
    expect(runner.stack).toBe(name);
    expect(runner.isActive).toBe(false);
    expect(runner.lastInferenceMs).toBeUndefined();
  });

  it('BAD CALL - infer before activate fails with a life-cycle error', async () => {
    const { feeds } = await feedsFor(2);
    await expect(createRunner(name).infer(feeds)).rejects.toMatchObject({ code: RunnerErrorCode.State });
  });

  it('deactivate on an inactive runner is a no-op', async () => {
    await expect(createRunner(name).deactivate()).resolves.toBeUndefined();
  });

  it('BAD CALL - a FIFO as the model file is refused at once with NOT_A_FILE, not opened', async (ctx) => {
    const { spawnSync } = await import('node:child_process');
    const fifo = `${models.dir}/fifo-${name}.onnx`;
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      console.warn('SKIPPED FIFO model test: mkfifo failed');
      ctx.skip();
    }
    await expect(createRunner(name).activate(fifo)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  }, 5_000);

  it('when unavailable, activate throws StackUnavailableError carrying the probe reason and remedy', async (ctx) => {
    const availability = probed.get(name)!;
    if (availability.available) skipBecause(ctx, name, 'available here: there is no unavailability to check');
    const runner = createRunner(name);
    const error = await runner.activate(modelPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackUnavailableError);
    expect(error).toMatchObject({ stackName: name, code: RunnerErrorCode.Unavailable });
    if (!availability.available) expect((error as StackUnavailableError).remedy).toBe(availability.remedy);
    expect(runner.isActive).toBe(false);
  });

  describe('when available', () => {
    it('activates, exposes named inputs and outputs, and infers the reference result', async (ctx) => {
      const why = notInProcess(name);
      if (why) skipBecause(ctx, name, why);
      const runner = createRunner(name);
      await runner.activate(modelPath);
      try {
        expect(runner.inputs.map((i) => [i.name, i.type, i.shape])).toEqual([
          ['a', 'float32', ['rows', 8]],
          ['b', 'float32', [8, 4]],
        ]);
        expect(runner.outputs.map((o) => o.name)).toEqual(['scores']);
        const { a, b, feeds } = await feedsFor(3);
        const outputs = await runner.toHost(await runner.infer(feeds));
        expect(outputs.scores!.dims).toEqual([3, 4]);
        const expected = referenceScores(a, b, 3, 8, 4);
        const got = Array.from(outputs.scores!.data as Float32Array);
        got.forEach((v, i) => {
          expect(v).toBeCloseTo(expected[i]!, 3);
        });
        expect(runner.lastInferenceMs).toBeGreaterThan(0);
      } finally {
        await runner.deactivate();
      }
      expect(runner.isActive).toBe(false);
    });

    it('BAD CALL - activate twice, wrong feeds: typed errors that name the problem', async (ctx) => {
      const why = notInProcess(name);
      if (why) skipBecause(ctx, name, why);
      const runner = createRunner(name);
      await runner.activate(modelPath);
      try {
        await expect(runner.activate(modelPath)).rejects.toMatchObject({ code: RunnerErrorCode.State });
        const ort = await loadOrt();
        const wrong = {
          a: new ort.Tensor('float32', new Float32Array(6), [2, 3]),
          extra: new ort.Tensor('int32', new Int32Array(1), [1]),
        };
        const error = await runner.infer(wrong).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: RunnerErrorCode.BadFeeds });
        expect(String((error as Error).message)).toContain('unknown input "extra"');
        expect(String((error as Error).message)).toContain('missing input "b"');
        expect(String((error as Error).message)).toContain('"a" has shape [2,3]');
      } finally {
        await runner.deactivate();
      }
    });

    it('keeps outputs on the device when asked, and toHost() downloads them with a timed copy', async (ctx) => {
      const availability = probed.get(name)!;
      if (!availability.available) skipBecause(ctx, name, availability.reason);
      if (!STACKS[name].deviceOutputs) skipBecause(ctx, name, 'keeps no outputs on a device');
      const runner = createRunnerWith(name, { deviceOutputs: true });
      await runner.activate(modelPath);
      try {
        const { a, b, feeds } = await feedsFor(2);
        const onDevice = await runner.infer(feeds);
        expect(onDevice.scores!.location).not.toBe('cpu');
        const host = await runner.toHost(onDevice);
        expect(host.scores!.location).toBe('cpu');
        expect(runner.lastTransferMs).toBeGreaterThan(0);
        const expected = referenceScores(a, b, 2, 8, 4);
        Array.from(host.scores!.data as Float32Array).forEach((v, i) => {
          expect(v).toBeCloseTo(expected[i]!, 3);
        });
      } finally {
        await runner.deactivate();
      }
    });

    it('reports placement from a separate profiled session when it can', async (ctx) => {
      const availability = probed.get(name)!;
      const runner = createRunner(name);
      if (!availability.available) skipBecause(ctx, name, availability.reason);
      if (!runner.capabilities.placement) skipBecause(ctx, name, 'reports no placement (runs out of process)');
      await runner.activate(modelPath);
      try {
        const { feeds } = await feedsFor(4);
        const placement = await runner.profilePlacement(feeds, 2);
        expect(placement.providers[0]!.provider).toBe(placement.requested);
        const nodes = placement.providers.reduce((s, p) => s + p.nodes, 0);
        expect(nodes).toBeGreaterThanOrEqual(1);
      } finally {
        await runner.deactivate();
      }
    });
  });
});
