/**
 * The cache never serves an engine for other inputs than its key names: the engine is built from the bytes that
 * were hashed, the GPU in the key is the one trtexec's device index means under CUDA_VISIBLE_DEVICES and CUDA's
 * device order, and flags that would change precision behind the plan's back are refused.
 * Builds run the trtexec TEST DOUBLE and GPU queries the nvidia-smi TEST DOUBLE (test/doubles/): their "engines"
 * are placeholder bytes that record the SHA-256 of the ONNX they read; nothing here is benchmarked or reported.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  type BuildEngineOptions,
  buildEngine,
  type EngineManifest,
  listCache,
  planForPrecision,
  queryGpu,
  verifyCache,
} from '../src/index.js';
import { NVIDIA_SMI_DOUBLE, TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { SMALL_OPS, tempDir, writeChainModel, writeExternalDataModel } from './helpers/models.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const engineSourceSha = async (enginePath: string) =>
  /onnx-sha256=([0-9a-f]{64})/.exec(await readFile(enginePath, 'utf8'))?.[1];

/** The environment trtexec and nvidia-smi get: the test's, minus any CUDA settings of the machine running it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['CUDA_VISIBLE_DEVICES', 'CUDA_DEVICE_ORDER']) if (!(k in extra)) delete env[k];
  return env;
}

async function setup() {
  const dir = await tempDir();
  const model = await writeChainModel(dir, 'memory_encoder.onnx', SMALL_OPS);
  const bytes = await readFile(model);
  const at = bytes.indexOf(Buffer.from('/memory_encoder/out_proj/Conv'));
  const edited = Buffer.from(bytes);
  edited[at + 1] = 'M'.charCodeAt(0); // same length, still valid ONNX, other bytes
  const editedPath = join(dir, 'edited.onnx');
  await writeFile(editedPath, edited);
  return { dir, model, bytes, edited, editedPath, cache: join(dir, 'cache') };
}

function options(cacheDir: string, env: Record<string, string> = {}, extra: Partial<BuildEngineOptions> = {}) {
  return {
    plan: planForPrecision('fp16'),
    cacheDir,
    trtexec: TRTEXEC_DOUBLE,
    nvidiaSmi: NVIDIA_SMI_DOUBLE,
    env: cleanEnv({ CUDA_DEVICE_ORDER: 'PCI_BUS_ID', ...env }),
    ...extra,
  } satisfies BuildEngineOptions;
}

describe('a build reads the bytes its key hashed', () => {
  it('an edit during the build (restored afterwards) changes neither the engine nor what a later hit serves', async () => {
    const { model, bytes, editedPath, cache } = await setup();
    const tamper = { TRTEXEC_DOUBLE_TAMPER: model, TRTEXEC_DOUBLE_TAMPER_FROM: editedPath };
    const first = await buildEngine(model, options(cache, tamper));
    expect(first.built).toBe(true);
    expect(first.entry.manifest.keyMaterial.model.sha256).toBe(sha(bytes));
    expect(await engineSourceSha(first.enginePath)).toBe(sha(bytes));
    await writeFile(model, bytes); // the user restores the file
    const second = await buildEngine(model, options(cache));
    expect(second.built).toBe(false);
    expect(await engineSourceSha(second.enginePath)).toBe(sha(bytes));
    expect(first.entry.manifest.model.path).toBe(model);
    expect((await verifyCache(cache)).every((r) => r.ok)).toBe(true);
  });

  it('BAD RUN - a build whose input copy changes under trtexec publishes nothing (SNAPSHOT_CHANGED)', async () => {
    const { model, cache } = await setup();
    const error = await buildEngine(model, options(cache, { TRTEXEC_DOUBLE_TAMPER: 'onnx' })).catch((e) => e);
    expect(error.code).toBe('SNAPSHOT_CHANGED');
    expect(await listCache(cache)).toEqual([]);
  });

  it('verify flags an entry whose engine was built from other bytes than its key, or with no record of them', async () => {
    const { model, cache } = await setup();
    const { entry } = await buildEngine(model, options(cache));
    const path = join(entry.dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as EngineManifest;
    await writeFile(
      path,
      JSON.stringify({ ...manifest, builtFrom: { ...manifest.builtFrom, sha256: '0'.repeat(64) } }),
    );
    expect((await verifyCache(cache))[0]!.problems).toEqual([
      'the engine was built from other model bytes than its key names',
    ]);
    const { builtFrom: _, ...older } = manifest;
    await writeFile(path, JSON.stringify(older));
    expect((await verifyCache(cache))[0]!.problems[0]).toMatch(/no record of the bytes trtexec built from/);
  });

  it('copies external data with the model and keys it by the name the model gives it', async () => {
    const { dir, cache } = await setup();
    const { path, dataFile } = await writeExternalDataModel(dir);
    const result = await buildEngine(path, options(cache));
    expect(result.entry.manifest.builtFrom!.externalData).toEqual([
      { name: basename(dataFile), sha256: sha(await readFile(dataFile)) },
    ]);
  });
});

describe('the GPU in the key is the one trtexec --device means', () => {
  const gpuOf = (env: Record<string, string>, device = 0, inventory = 'h200x4') =>
    queryGpu({
      nvidiaSmi: NVIDIA_SMI_DOUBLE,
      device,
      env: cleanEnv({ NVIDIA_SMI_DOUBLE_INVENTORY: inventory, ...env }),
    }).then((g) => g.uuid.slice(-3));

  it('follows CUDA_VISIBLE_DEVICES indices in PCI bus order, UUIDs and unique UUID prefixes', async () => {
    // The double's nvidia-smi index order is 3b, 18, db, 9a; PCI bus order is 18, 3b, 9a, db.
    expect(await gpuOf({})).toBe('018');
    expect(await gpuOf({}, 3)).toBe('0db');
    expect(await gpuOf({ CUDA_VISIBLE_DEVICES: '2' })).toBe('09a');
    expect(await gpuOf({ CUDA_VISIBLE_DEVICES: '3,0' }, 1)).toBe('018');
    expect(await gpuOf({ CUDA_VISIBLE_DEVICES: 'GPU-00000000-0000-0000-0000-0000000000db' })).toBe('0db');
    expect(await gpuOf({ CUDA_DEVICE_ORDER: 'PCI_BUS_ID', CUDA_VISIBLE_DEVICES: '1' })).toBe('03b');
  });

  it('BAD CALL - stops at the first invalid entry as CUDA does, and refuses what it cannot know', async () => {
    await expect(gpuOf({ CUDA_VISIBLE_DEVICES: '1,7,2' }, 1)).rejects.toThrow(
      /GPU 1 does not exist \(CUDA_VISIBLE_DEVICES="1,7,2" leaves 1 of 4 visible\)/,
    );
    await expect(gpuOf({ CUDA_VISIBLE_DEVICES: '' })).rejects.toMatchObject({ code: 'GPU_NOT_FOUND' });
    await expect(gpuOf({ CUDA_VISIBLE_DEVICES: 'GPU-00000000' })).rejects.toMatchObject({ code: 'GPU_NOT_FOUND' });
    await expect(gpuOf({ CUDA_VISIBLE_DEVICES: 'MIG-1234' })).rejects.toMatchObject({ code: 'GPU_MIG_UNSUPPORTED' });
    // Mixed models: CUDA's default order ranks by speed; only PCI_BUS_ID or UUIDs say which GPU an index is.
    await expect(gpuOf({}, 0, 'mixed')).rejects.toMatchObject({ code: 'GPU_ORDER_AMBIGUOUS' });
    expect(await gpuOf({ CUDA_DEVICE_ORDER: 'PCI_BUS_ID' }, 1, 'mixed')).toBe('eee');
    expect(await gpuOf({ CUDA_VISIBLE_DEVICES: 'GPU-aaaa' }, 0, 'mixed')).toBe('eee');
  });

  it('a build under CUDA_VISIBLE_DEVICES=1 is not a cache hit of the entry built for GPU 0', async () => {
    const { model, cache } = await setup();
    const gpu0 = await buildEngine(model, options(cache));
    const gpu1 = await buildEngine(model, options(cache, { CUDA_VISIBLE_DEVICES: '1' }));
    expect(gpu1.built).toBe(true);
    expect(gpu1.entry.key).not.toBe(gpu0.entry.key);
    expect(gpu0.entry.manifest.keyMaterial.gpu.name).toBe('NVIDIA H100 80GB HBM3');
    expect(gpu1.entry.manifest.keyMaterial.gpu.name).toBe('NVIDIA H200');
    const again = await buildEngine(model, options(cache, { CUDA_VISIBLE_DEVICES: 'GPU-aaaaaaaa' }));
    expect(again.built).toBe(false);
    expect(again.entry.key).toBe(gpu1.entry.key);
  });
});

describe('BAD CALL - build arguments that would make the cache lie', () => {
  async function cli(...args: string[]) {
    const err: string[] = [];
    const code = await main(args, { out: () => undefined, err: (t) => err.push(t) });
    return { code, err: err.join('\n') };
  }

  it('--precision fp32 --extra-arg=--fp16 (or any precision flag) is refused on TensorRT 10 and 11', async () => {
    const { model } = await setup();
    for (const flag of ['--fp16', '--bf16', '--int8', '--best', '--stronglyTyped', '--layerPrecisions=*:fp16']) {
      for (const version of ['10', '11']) {
        const where = ['--trt-version', version, '--trtexec', '/nonexistent/trtexec'];
        const r = await cli('build', model, '--precision', 'fp32', `--extra-arg=${flag}`, '--print-command', ...where);
        expect(r.code, `${flag} on ${version}`).toBe(1);
        expect(r.err).toMatch(version === '10' ? /sets precision outside the plan/ : /outside the plan|removed/);
      }
    }
  });

  it('--min-shapes (and opt/max) naming an unknown input is refused, naming the real inputs', async () => {
    const { model } = await setup();
    const base = ['build', model, '--precision', 'fp16', '--print-command', '--trt-version', '10'];
    const r = await cli(...base, '--trtexec', '/nonexistent/trtexec', '--min-shapes', 'memory:1x256x32x32');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--min-shapes names "memory", which is not an input of .*memory_encoder\.onnx/);
    expect(r.err).toContain('"input"');
    const ok = await cli(...base, '--trtexec', '/nonexistent/trtexec', '--max-shapes', 'input:1x256x32x32');
    expect(ok.code).toBe(0);
  });
});
