/**
 * fp16 and bf16 over the whole ONNX backend-test corpus (Debian's libonnx-testdata): wherever ONNX Runtime loads
 * the original, the converted model must load too (BF16: pass ORT's type checks; its CPU provider has no BF16
 * kernels), or the conversion must be refused with a typed error. Also: the committed op-schema table agrees with
 * the installed Python onnx.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  convertToBfloat16,
  convertToFloat16,
  encodeModel,
  type ModelProto,
  readModel,
  ToolkitError,
} from '../src/index.js';
import { ort } from './helpers/ort.js';
import { hasTestdata, testdataModels } from './helpers/testdata.js';

if (!hasTestdata)
  console.warn('SKIPPED fp16/bf16 corpus test: install Debian package libonnx-testdata (.ci/run does).');

/** 'ok', or ORT's first line of refusal. */
async function ortLoads(model: ModelProto): Promise<string> {
  try {
    const session = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 4 });
    await session.release();
    return 'ok';
  } catch (error) {
    return String((error as Error).message ?? error).split('\n')[0]!;
  }
}

/** ORT refusals that come after its type checks: no kernel for a type (BF16 on the CPU provider). */
const NO_KERNEL = /Could not find an implementation|Unsupported data type: 16/;

const REFUSALS = ['NOT_FLOAT', 'ALREADY', 'OPSET', 'UNSUPPORTED', 'KEEP_IO'];

describe.skipIf(!hasTestdata)('fp16 and bf16 over libonnx-testdata', () => {
  it('write only models ONNX Runtime loads wherever it loads the original, or refuse with a typed error', async () => {
    const started = performance.now();
    const failures: string[] = [];
    const counts = { models: 0, originalLoads: 0, fp16: 0, bf16: 0 };
    const refused: Record<string, number> = {};
    for (const { name, model: path } of testdataModels()) {
      counts.models++;
      const model = await readModel(path);
      if ((await ortLoads(model)) !== 'ok') continue;
      counts.originalLoads++;
      for (const [label, convert] of [
        ['fp16', convertToFloat16],
        ['bf16', convertToBfloat16],
      ] as const) {
        let converted: ModelProto;
        try {
          converted = convert(model).model;
        } catch (error) {
          const code = error instanceof ToolkitError ? error.code : 'untyped';
          refused[code] = (refused[code] ?? 0) + 1;
          if (!REFUSALS.some((r) => code === `${label.toUpperCase()}_${r}`) && code !== 'SUBGRAPH_TYPES')
            failures.push(`${name} ${label}: ${code}: ${(error as Error).message}`);
          continue;
        }
        counts[label]++;
        const verdict = await ortLoads(converted);
        if (verdict !== 'ok' && !(label === 'bf16' && NO_KERNEL.test(verdict)))
          failures.push(`${name} ${label}: ${verdict}`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`libonnx-testdata precision: ${JSON.stringify({ ...counts, refused })} in ${seconds} s`);
    expect(failures).toEqual([]);
    expect(counts.models).toBe(1072);
    expect(counts.fp16).toBeGreaterThan(800);
    expect(counts.bf16).toBeGreaterThan(500);
  }, 300_000);
});

const generator = fileURLToPath(new URL('../scripts/gen-onnx-op-types.py', import.meta.url));
const table = fileURLToPath(new URL('../src/onnx/op-types.json', import.meta.url));
const hasPythonOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx']).status === 0;
if (!hasPythonOnnx)
  console.warn('SKIPPED op-types.json check: no Python onnx (Debian package python3-onnx; .ci/run installs it).');

describe.skipIf(!hasPythonOnnx)('the committed op-schema table', () => {
  it('holds every op version the installed Python onnx knows', () => {
    const r = spawnSync('/usr/bin/python3', [generator, '--check', table], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 missing/);
  });
});
