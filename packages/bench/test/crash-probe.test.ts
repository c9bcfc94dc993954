/**
 * The crash probe on the realistic zoo. ONNX Runtime 1.30's CPU kernels validate every bad input we tried
 * (ReverseSequence, RoiAlign, MaxRoiPool, MaxUnpool, GatherND, ScatterND, Col2Im, STFT, Tile, OneHot, Slice), so
 * the native crash comes from a TEST DOUBLE at the process boundary: the probe child, given
 * TAMKIT_CRASH_PROBE_DOUBLE_OP=<op type>, kills itself with SIGSEGV before running a model that has that op, as
 * ONNX Runtime does when a kernel segfaults. Everything on this side of the boundary is the real code.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { nodesInOrder, readModel, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRunner,
  decodeFeeds,
  encodeFeeds,
  type Feeds,
  generateFeeds,
  loadOrt,
  locateCrash,
  NativeCrashError,
  type OrtRunner,
  resolveInputShapes,
} from '../src/index.js';
import { bench } from './helpers/cli.js';

const DOUBLE = 'TAMKIT_CRASH_PROBE_DOUBLE_OP';
let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-crash-probe-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 3 });
  model = join(dir, 'zoo', 'memory_attention.onnx');
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env[DOUBLE];
});

async function feedsFor(runner: ReturnType<typeof createRunner>): Promise<Feeds> {
  return generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 4);
}

describe('crash probe (ort-cpu)', () => {
  it('turns a native crash of the probe child into a NativeCrashError naming module, stack, signal and the first crashing node', async () => {
    const cacheDir = join(dir, 'cache-crash');
    process.env[DOUBLE] = 'Softmax';
    const runner = createRunner('ort-cpu', { crashProbe: true, crashProbeCacheDir: cacheDir });
    await runner.activate(model);
    const feeds = await feedsFor(runner);
    const error = await runner.infer(feeds).catch((e: unknown) => e);
    await runner.deactivate();
    expect(error).toBeInstanceOf(NativeCrashError);
    const crash = error as NativeCrashError;
    const order = nodesInOrder(await readModel(model));
    const first = order.findIndex((n) => n.opType === 'Softmax');
    expect(crash.node).toEqual({ name: order[first]!.name, opType: 'Softmax', position: first + 1, of: order.length });
    expect(crash.exitCode).toBe(ExitCode.NativeCrash);
    expect(crash.message).toContain('ort-cpu');
    expect(crash.message).toContain('memory_attention.onnx');
    expect(crash.message).toContain('signal SIGSEGV');
    expect(crash.message).toContain(`Softmax "${order[first]!.name}"`);
    expect(crash.remedy).toMatch(/another stack.*--fp32-nodes.*--no-crash-probe/s);

    // Cached: with the double gone, a new runner still refuses (no child could have crashed), and quickly.
    delete process.env[DOUBLE];
    expect(await readdir(cacheDir)).toHaveLength(2); // the session-creation verdict and the run verdict
    const again = createRunner('ort-cpu', { crashProbe: true, crashProbeCacheDir: cacheDir });
    await again.activate(model);
    const cached = await again.infer(feeds).catch((e: unknown) => e);
    await again.deactivate();
    expect((cached as NativeCrashError).node).toEqual(crash.node);

    // Profiling runs the model in this process too (bench profiles placement before timing): probed first.
    const profiled = createRunner('ort-cpu', { crashProbe: true, crashProbeCacheDir: cacheDir });
    await profiled.activate(model);
    const profiling = await profiled.profilePlacement(feeds, 1).catch((e: unknown) => e);
    await profiled.deactivate();
    expect(profiling).toBeInstanceOf(NativeCrashError);
  });

  it('lets a module that runs through, probed on its first feeds only, with the outputs of a run without the probe', async () => {
    const cacheDir = join(dir, 'cache-ok');
    const probed = createRunner('ort-cpu', { crashProbe: true, crashProbeCacheDir: cacheDir });
    const plain = createRunner('ort-cpu', { crashProbe: false });
    await probed.activate(model);
    await plain.activate(model);
    const feeds = await feedsFor(probed);
    const got = await probed.infer(feeds);
    await probed.infer(feeds);
    const want = await plain.infer(feeds);
    await Promise.all([probed.deactivate(), plain.deactivate()]);
    for (const [name, tensor] of Object.entries(want)) expect(got[name]!.data).toEqual(tensor.data);
    expect(await readdir(cacheDir)).toHaveLength(2); // the session-creation verdict and the run verdict
    expect((probed as OrtRunner).crashProbe).toBe(true);
    expect(probed.describeOptions()).not.toHaveProperty('crashProbe');
  });

  it('bench exits with the native-crash code and names module, stack and op, and --no-crash-probe skips the child', async () => {
    process.env[DOUBLE] = 'Softmax';
    process.env.TAMKIT_CRASH_PROBE_CACHE = join(dir, 'cache-cli');
    try {
      const args = ['--stack', 'ort-cpu', '--models', model, '--iterations', '2', '--warmup', '1'];
      const crashed = await bench(...args);
      expect(crashed.code).toBe(ExitCode.NativeCrash);
      expect(crashed.err).toMatch(
        /ort-cpu: ONNX Runtime crashes natively \(signal SIGSEGV\) running memory_attention\.onnx/,
      );
      expect(crashed.err).toMatch(/first node that crashes it is Softmax "/);
      // The double lives only in the child: without the probe, this process runs the module as usual.
      const skipped = await bench(...args, '--no-crash-probe');
      expect(skipped.code).toBe(ExitCode.Ok);
    } finally {
      delete process.env.TAMKIT_CRASH_PROBE_CACHE;
    }
  });

  it('bisects to the first node whose prefix crashes, and says so when only the whole graph does', async () => {
    const whole = await readModel(model);
    const order = nodesInOrder(whole);
    const target = Math.floor(order.length / 3);
    // A stand-in for the child's verdict: a prefix crashes once it contains the target node.
    const crashesAt = (k: number) => async (prefix: typeof whole) =>
      prefix.graph!.node.some((n) => n.name === order[k]!.name);
    expect(await locateCrash(whole, crashesAt(target))).toEqual({
      name: order[target]!.name,
      opType: order[target]!.opType,
      position: target + 1,
      of: order.length,
    });
    expect(await locateCrash(whole, async () => false)).toMatch(/only the whole graph crashes/);
  });

  it('carries feeds of every element type the runner feeds, bit for bit, to the child', async () => {
    const ort = await loadOrt();
    const feeds: Feeds = {
      a: new ort.Tensor('float32', Float32Array.from([1.5, -2, Number.NaN]), [3]),
      b: new ort.Tensor('int64', BigInt64Array.from([-(2n ** 40n), 7n]), [2, 1]),
      c: new ort.Tensor('float16', Uint16Array.from([0x3c00, 0xfbff]), [1, 2]),
      d: new ort.Tensor('bool', Uint8Array.from([1, 0, 1]), [3]),
    };
    const decoded = decodeFeeds(encodeFeeds(feeds));
    expect(decoded.map((f) => [f.name, f.type, f.dims])).toEqual(
      Object.entries(feeds).map(([n, t]) => [n, t.type, t.dims]),
    );
    for (const f of decoded) expect(f.data).toEqual(feeds[f.name]!.data);
  });
});
