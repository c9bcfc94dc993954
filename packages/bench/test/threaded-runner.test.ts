import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { MEMORY_MASK_INPUTS, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeeds } from '../src/measure/inputs.js';
import { resolveInputShapes } from '../src/measure/shapes.js';
import { RunnerErrorCode } from '../src/stacks/errors.js';
import { getStack } from '../src/stacks/registry.js';
import type { Runner } from '../src/stacks/runner.js';
import { portableEdit } from '../src/stacks/threaded/portable-edits.js';
import { ThreadedRunner } from '../src/stacks/threaded/threaded-runner.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-threaded-runner-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 3 });
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ThreadedRunner: a module run in a worker thread (tiny zoo, ort-cpu)', () => {
  for (const module of ['image_encoder', 'memory_attention'] as const) {
    it(`${module}: the same outputs, bit for bit, as the runner on the JavaScript thread`, async () => {
      const model = join(dir, `${module}.onnx`);
      const here = getStack('ort-cpu').createWith({ threads: 1 });
      const there = new ThreadedRunner('ort-cpu', { threads: 1 });
      await here.activate(model);
      await there.activate(model);
      try {
        expect(there.capabilities.threaded).toBe(true);
        expect(there.capabilities.deviceOutputs).toBe(false);
        expect(there.inputs).toEqual(here.inputs);
        expect(there.outputs).toEqual(here.outputs);
        for (const seed of [0, 1]) {
          const feeds = await generateFeeds(here.inputs, resolveInputShapes(here.inputs), seed);
          const expected = await here.infer(feeds);
          const got = await there.infer(feeds);
          expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
          for (const [name, tensor] of Object.entries(expected)) {
            expect(got[name]!.dims, name).toEqual(tensor.dims);
            expect(got[name]!.type, name).toBe(tensor.type);
            expect(
              Buffer.from((got[name]!.data as Float32Array).buffer).equals(
                Buffer.from((tensor.data as Float32Array).buffer),
              ),
              name,
            ).toBe(true);
          }
          expect(there.lastInferenceMs).toBeGreaterThan(0);
        }
        expect(there.describeOptions()).toMatchObject({ thread: 'worker' });
      } finally {
        await here.deactivate();
        await there.deactivate();
      }
      expect(there.isActive).toBe(false);
    }, 60_000);
  }

  it('leaves the JavaScript thread free while the worker runs (the event loop keeps turning)', async () => {
    const model = join(dir, 'image_encoder.onnx');
    // Event-loop turns between the call and its result: an in-thread run blocks the loop for its whole duration.
    const turnsDuring = async (runner: Runner) => {
      await runner.activate(model);
      try {
        const feeds = await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 0);
        let turns = 0;
        let done = false;
        const spin = () => {
          if (done) return;
          turns += 1;
          setImmediate(spin);
        };
        const result = runner.infer(feeds).finally(() => {
          done = true;
        });
        setImmediate(spin);
        await result;
        return turns;
      } finally {
        await runner.deactivate();
      }
    };
    const inThread = await turnsDuring(getStack('ort-cpu').createWith({ threads: 1 }));
    const threaded = await turnsDuring(new ThreadedRunner('ort-cpu', { threads: 1 }));
    expect(inThread).toBeLessThanOrEqual(2);
    expect(threaded).toBeGreaterThan(10);
  }, 60_000);

  it("raises the worker's typed errors here: bad feeds, a broken model", async () => {
    const runner = new ThreadedRunner('ort-cpu');
    const broken = join(dir, 'broken.onnx');
    await writeFile(broken, Buffer.from('not a model'));
    const error = await runner.activate(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe(RunnerErrorCode.RunFailed);
    expect((error as ToolkitError).message).toContain('broken.onnx');
    expect(runner.isActive).toBe(false);
    await runner.activate(join(dir, 'memory_encoder.onnx'));
    try {
      const bad = await runner.infer({}).catch((e: unknown) => e);
      expect((bad as ToolkitError).code).toBe(RunnerErrorCode.BadFeeds);
    } finally {
      await runner.deactivate();
    }
  }, 60_000);

  it('refuses a graph edit that is only a function, and makes a described one again in the worker', async () => {
    expect(() => new ThreadedRunner('ort-cpu', { edits: [{ label: 'x', apply: (m) => m }] })).toThrow(/graph edits/);
    const runner = new ThreadedRunner('ort-cpu', { edits: [portableEdit({ bake: 'memory-mask' })] });
    await runner.activate(join(dir, 'memory_encoder.onnx'));
    try {
      expect(runner.inputs.map((i) => i.name)).toContain(MEMORY_MASK_INPUTS.scale);
      expect(runner.describeOptions().edits).toEqual(['memory-mask']);
    } finally {
      await runner.deactivate();
    }
  }, 60_000);
});
