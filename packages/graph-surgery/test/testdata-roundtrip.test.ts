/**
 * Every model of Debian's libonnx-testdata goes through load -> save -> load unchanged, and where ONNX Runtime
 * can run it, a copy saved with all tensors in external data gives bit-identical outputs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeModel, readModel, type TensorProto, writeModel } from '../src/index.js';
import { ortTensorFrom, runModel, tensorBytes } from './helpers/ort.js';
import { semanticDiff } from './helpers/semantic-diff.js';
import { hasTestdata, testdataModels } from './helpers/testdata.js';

const models = testdataModels();
const work = mkdtempSync(join(tmpdir(), 'tamkit-roundtrip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (!hasTestdata)
  console.warn('SKIPPED libonnx-testdata round trips: install Debian package libonnx-testdata (.ci/run does).');

describe.skipIf(!hasTestdata)('libonnx-testdata round trip', () => {
  it('finds the whole corpus of 1072 models', () => {
    expect(models.length).toBe(1072);
  });

  it('loads, saves and reloads every model with no semantic change and byte-identical files', async () => {
    const failures: string[] = [];
    for (const { name, model } of models) {
      const original = readFileSync(model);
      const first = await readModel(model);
      const path = join(work, 'copy.onnx');
      await writeModel(first, path);
      const copyBytes = readFileSync(path);
      const second = await readModel(path);
      const diff = semanticDiff(first, second);
      if (diff) failures.push(`${name}: ${diff}`);
      else if (Buffer.compare(original, copyBytes) !== 0) failures.push(`${name}: saved bytes differ from the input`);
    }
    expect(failures).toEqual([]);
  });

  it('gives bit-identical ONNX Runtime outputs from a copy with every tensor in external data', async () => {
    let compared = 0;
    const failures: string[] = [];
    for (const { name, dir, model } of models) {
      const dataDir = join(dir, 'test_data_set_0');
      let inputs: string[];
      try {
        inputs = readdirSync(dataDir)
          .filter((f) => f.startsWith('input_'))
          .sort();
      } catch {
        continue;
      }
      const loaded = await readModel(model);
      const graphInputs = loaded.graph!.input.filter((i) => !loaded.graph!.initializer.some((t) => t.name === i.name));
      if (graphInputs.length !== inputs.length || graphInputs.some((i) => !i.type?.tensorType)) continue;
      const feeds: Record<string, ReturnType<typeof ortTensorFrom>> = {};
      let ok = true;
      inputs.forEach((file, k) => {
        const t = ortTensorFrom(decodeMessage<TensorProto>('TensorProto', readFileSync(join(dataDir, file))));
        if (!t) ok = false;
        feeds[graphInputs[k]!.name!] = t;
      });
      if (!ok) continue;
      let expected: Awaited<ReturnType<typeof runModel>>;
      try {
        expected = await runModel(readFileSync(model), feeds as never);
      } catch {
        continue; // ONNX Runtime cannot run this model (unsupported op or type): nothing to compare.
      }
      const sub = join(work, name.replaceAll('/', '_'));
      const copy = join(`${sub}.onnx`);
      await writeModel(loaded, copy, {
        externalData: { location: `${name.replaceAll('/', '_')}.data`, sizeThreshold: 0 },
      });
      const actual = await runModel(copy, feeds as never);
      for (const [k, v] of Object.entries(expected)) {
        const a = actual[k];
        if (!a || Buffer.compare(tensorBytes(v), tensorBytes(a)) !== 0) failures.push(`${name}: output ${k} differs`);
      }
      compared++;
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(500);
  });

  it('re-encodes decoded models to the same bytes without touching the file system', () => {
    for (const { model } of models.slice(0, 100)) {
      const bytes = readFileSync(model);
      expect(Buffer.compare(Buffer.from(encodeModel(decodeMessage('ModelProto', bytes))), bytes)).toBe(0);
    }
  });
});
