/**
 * A model and its external data are written as a pair: never over another model's data file, and a process killed
 * at any step of the write leaves a model that reads the data it was written with (old pair or new pair).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  DataType,
  emptyGraph,
  encodeModel,
  type ModelProto,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  readFloatValues,
  readModel,
  writeModel,
} from '../src/index.js';
import { ort, runModel } from './helpers/ort.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./helpers/kill-during-write.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tamkit-write-safety-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = { out: () => undefined, err: () => undefined };

/** y = x * W with a 1024-float W whose values are `seed + i / 1024`. */
function scaleModel(seed: number): ModelProto {
  const graph = emptyGraph('scale');
  graph.input.push(makeValueInfo('x', DataType.FLOAT, [1024]));
  graph.output.push(makeValueInfo('y', DataType.FLOAT, [1024]));
  graph.initializer.push(
    makeTensor(
      'W',
      DataType.FLOAT,
      [1024],
      Float32Array.from({ length: 1024 }, (_, i) => seed + i / 1024),
    ),
  );
  graph.node.push(makeNode({ opType: 'Mul', inputs: ['x', 'W'], outputs: ['y'] }));
  return makeModel({ graph, opset: 17 });
}

/** Writes `scaleModel(seed)` as `dir/model.onnx` with its weights in `dir/<location>` under exactly that name. */
function writeWithFixedDataName(dir: string, seed: number, location: string): void {
  mkdirSync(dir, { recursive: true });
  const model = scaleModel(seed);
  const w = model.graph!.initializer[0]!;
  writeFileSync(join(dir, location), w.rawData!);
  Object.assign(w, {
    rawData: undefined,
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(1024 * 4) },
    ],
  });
  writeFileSync(join(dir, 'model.onnx'), encodeModel(model));
}

/** The seed a scale model was written with, read back through tamkit and checked through ONNX Runtime. */
async function seedOf(path: string): Promise<number> {
  const values = readFloatValues((await readModel(path)).graph!.initializer[0]!);
  const seed = values[0]!;
  values.forEach((v, i) => {
    if (v !== Math.fround(seed + i / 1024)) throw new Error(`${path}: weight ${i} is ${v}, not from one model`);
  });
  const ones = new ort.Tensor('float32', new Float32Array(1024).fill(1), [1024]);
  const y = (await runModel(path, { x: ones })).y!.data as Float32Array;
  expect(Array.from(y)).toEqual(Array.from(values));
  return seed;
}

const snapshot = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('writing never touches a file it did not create', () => {
  it("convert into another model's folder leaves that model's same-named data file alone", async () => {
    writeWithFixedDataName(join(work, 'A'), 1, 'weights.bin');
    writeWithFixedDataName(join(work, 'B'), 2, 'weights.bin');
    const before = snapshot(join(work, 'B'));
    const copy = join(work, 'B', 'copy-of-a.onnx');
    expect(await main(['convert', join(work, 'A', 'model.onnx'), '-o', copy], quiet)).toBe(0);
    const after = snapshot(join(work, 'B'));
    for (const [name, bytes] of Object.entries(before)) expect(after[name], name).toBe(bytes);
    expect(await seedOf(join(work, 'B', 'model.onnx'))).toBe(2);
    expect(await seedOf(copy)).toBe(1);
  });

  it('names data files by content and output: an explicit name is a base, never overwritten', async () => {
    const dir = join(work, 'explicit');
    writeWithFixedDataName(dir, 3, 'w.data');
    const out = join(dir, 'out.onnx');
    const first = await writeModel(scaleModel(4), out, { externalData: { location: 'w.data', sizeThreshold: 0 } });
    expect(first.dataFiles).toHaveLength(1);
    expect(first.dataFiles[0]).toMatch(/^w\.[0-9a-f]{16}\.data$/);
    expect(await seedOf(join(dir, 'model.onnx'))).toBe(3);
    // The same content written to another output gets its own file: removing one never breaks the other.
    const twin = await writeModel(scaleModel(4), join(dir, 'twin.onnx'), {
      externalData: { location: 'w.data', sizeThreshold: 0 },
    });
    expect(twin.dataFiles[0]).not.toBe(first.dataFiles[0]);
    // Rewriting the output with the same content reuses its file; with new content, its old file goes.
    expect((await writeModel(scaleModel(4), out, { externalData: { location: 'w.data' } })).removed).toEqual([]);
    const second = await writeModel(scaleModel(5), out, { externalData: { location: 'w.data', sizeThreshold: 0 } });
    expect(second.removed).toEqual(first.dataFiles);
    expect(readdirSync(dir).sort()).toEqual(
      ['model.onnx', 'out.onnx', 'twin.onnx', 'w.data', second.dataFiles[0]!, twin.dataFiles[0]!].sort(),
    );
    expect(await seedOf(out)).toBe(5);
    expect(await seedOf(join(dir, 'twin.onnx'))).toBe(4);
  });
});

function runChild(model: string, out: string, killAt = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, model, out, killAt, 'w.data'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { signal: r.signal, status: r.status, steps: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}

describe('a write killed at any step leaves a consistent model', () => {
  const source = join(work, 'kill-source');
  mkdirSync(source, { recursive: true });

  /** A folder with an old pair (seed 10) at out.onnx and a foreign model with a same-named data file. */
  async function stage(name: string): Promise<string> {
    const dir = join(work, name);
    writeWithFixedDataName(dir, 20, 'w.data');
    await writeModel(scaleModel(10), join(dir, 'out.onnx'), { externalData: { location: 'w.data', sizeThreshold: 0 } });
    return dir;
  }

  it('kills after each step in turn: the model reads the old weights before the model rename, the new ones after', async () => {
    await writeModel(scaleModel(11), join(source, 'v2.onnx'), {
      externalData: { location: 'v2.data', sizeThreshold: 0 },
    });
    const dry = runChild(join(source, 'v2.onnx'), join(await stage('kill-dry'), 'out.onnx'));
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.steps.map((s) => s.replace(/:.*/, ''))).toEqual(['data-temp', 'data', 'model-temp', 'model', 'removed']);
    const published = dry.steps.indexOf('model');
    for (const [i, step] of dry.steps.entries()) {
      const dir = await stage(`kill-${i}`);
      const foreign = readFileSync(join(dir, 'w.data'));
      const killed = runChild(join(source, 'v2.onnx'), join(dir, 'out.onnx'), step);
      expect(killed.signal, `killed at ${step}`).toBe('SIGKILL');
      expect(killed.steps.at(-1)).toBe(step);
      expect(await seedOf(join(dir, 'out.onnx')), `killed at ${step}`).toBe(i < published ? 10 : 11);
      expect(await seedOf(join(dir, 'model.onnx'))).toBe(20);
      expect(Buffer.compare(readFileSync(join(dir, 'w.data')), foreign)).toBe(0);
      // A rerun completes the write whatever was left behind.
      expect(runChild(join(source, 'v2.onnx'), join(dir, 'out.onnx')).status).toBe(0);
      expect(await seedOf(join(dir, 'out.onnx'))).toBe(11);
    }
  }, 120_000);
});
