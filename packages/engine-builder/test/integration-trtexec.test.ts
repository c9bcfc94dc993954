import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DataType, emptyGraph, makeModel, makeNode, makeValueInfo, writeModel } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { buildEngine, detectTrtVersion, inspectEngine, timeEngine, validatePlan } from '../src/index.js';
import { tempDir } from './helpers/models.js';

/** A real trtexec: $TRTEXEC, or trtexec on PATH. */
function findRealTrtexec(): string | undefined {
  if (process.env.TRTEXEC) return process.env.TRTEXEC;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'trtexec');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const trtexec = findRealTrtexec();
const reason = 'no real trtexec: set TRTEXEC=/path/to/trtexec or put TensorRT on PATH to run the integration test';
if (!trtexec) console.warn(`[engine-builder] skipping the TensorRT integration test: ${reason}`);

describe.skipIf(!trtexec)(`integration with a real trtexec (${trtexec ?? `skipped: ${reason}`})`, () => {
  it('builds a mixed-precision engine, reads its layers back, and times it', async () => {
    const dir = await tempDir('engine-builder-integration-');
    const graph = emptyGraph('tiny');
    graph.node.push(
      makeNode({ name: '/block/MatMul', opType: 'MatMul', inputs: ['x', 'x'], outputs: ['s'] }),
      makeNode({ name: '/block/Softmax', opType: 'Softmax', inputs: ['s'], outputs: ['p'] }),
      makeNode({ name: '/block/Relu', opType: 'Relu', inputs: ['p'], outputs: ['y'] }),
    );
    graph.input.push(makeValueInfo('x', DataType.FLOAT, [1, 4, 64, 64]));
    graph.output.push(makeValueInfo('y', DataType.FLOAT, [1, 4, 64, 64]));
    const model = join(dir, 'tiny.onnx');
    await writeModel(makeModel({ graph }), model);

    const version = await detectTrtVersion({ trtexec: trtexec! });
    const plan = validatePlan({ schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { nodes: ['/block/Softmax'] } });
    const built = await buildEngine(model, {
      plan,
      cacheDir: join(dir, 'cache'),
      trtexec: trtexec!,
      timeoutMs: 600_000,
    });
    expect(built.built).toBe(true);
    expect(built.entry.manifest.keyMaterial.trtVersion).toBe(`${version.major}.${version.minor}.${version.patch}`);
    expect(built.report?.layers.length).toBeGreaterThan(0);
    const inspected = await inspectEngine(built.enginePath, { trtexec: trtexec! });
    expect(inspected.source).toBe('cache-entry');
    const timing = await timeEngine(built.enginePath, {
      trtexec: trtexec!,
      iterations: 20,
      durationS: 0,
      warmUpMs: 0,
      timeoutMs: 300_000,
    });
    expect(timing.summary.gpuComputeTime.median).toBeGreaterThan(0);
    expect(timing.iterations.length).toBeGreaterThanOrEqual(20);
  });
});
