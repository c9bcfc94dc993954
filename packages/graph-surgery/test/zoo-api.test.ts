import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  buildZoo,
  EFFICIENTTAM_MODULES,
  efficientTamTiBuilders,
  readModel,
  ToolkitError,
  writeZoo,
  ZOO_GENERATOR_VERSION,
  type ZooManifest,
} from '../src/index.js';

const registered = EFFICIENTTAM_MODULES.filter((m) => efficientTamTiBuilders[m]);
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zoo-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('buildZoo', () => {
  it('builds every registered module and describes each in the manifest from its graph', () => {
    const { modules, manifest } = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 4 });
    expect(manifest.modules.map((m) => m.name)).toEqual(registered);
    expect(manifest).toMatchObject({ model: 'efficienttam-ti', size: 'tiny', seed: 4, outliers: false });
    expect(manifest.generator.version).toBe(ZOO_GENERATOR_VERSION);
    for (const entry of manifest.modules) {
      const model = modules[entry.name];
      if (!model?.graph) throw new Error(`${entry.name} missing from the build`);
      const graph = model.graph;
      expect(entry.inputs.map((i) => i.name)).toEqual(graph.input.map((i) => i.name));
      expect(entry.outputs.map((o) => o.name)).toEqual(graph.output.map((o) => o.name));
      expect(entry.nodes).toBe(graph.node.length);
      expect(entry.parameters).toBeGreaterThan(0);
      expect(entry.flops.total).toBeGreaterThan(0);
      expect(entry.plantedOutliers).toEqual([]);
    }
  });

  it('lists the planted culprits in the manifest with --outliers', () => {
    const { manifest } = buildZoo({
      model: 'efficienttam-ti',
      size: 'tiny',
      outliers: true,
      modules: ['image_encoder'],
    });
    const planted = manifest.modules[0]!.plantedOutliers;
    expect(planted.length).toBeGreaterThanOrEqual(2);
    expect(planted.every((p) => p.node.startsWith('/image_encoder/'))).toBe(true);
  });

  it('records the style in the manifest (export by default) and rejects an unknown one', () => {
    expect(buildZoo({ model: 'efficienttam-ti', size: 'tiny', modules: ['memory_encoder'] }).manifest.style).toBe(
      'export',
    );
    expect(() => buildZoo({ model: 'efficienttam-ti', style: 'pretty' as 'clean' })).toThrow(
      expect.objectContaining({ code: 'ZOO_STYLE' }),
    );
  });

  it('rejects a seed that is not a 32-bit unsigned integer and an unknown module', () => {
    for (const seed of [-1, 1.5, 2 ** 32]) {
      expect(() => buildZoo({ model: 'efficienttam-ti', seed })).toThrow(ToolkitError);
    }
    expect(() => buildZoo({ model: 'efficienttam-ti', modules: ['nope' as 'image_encoder'] })).toThrow(/not in the/);
  });
});

describe('writeZoo', () => {
  it('writes loadable modules and a manifest whose sizes and hashes match the files', async () => {
    const dir = await tempDir();
    const manifest = await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 9 });
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([...registered.map((m) => `${m}.onnx`), 'manifest.json', 'tracker-params.json'].sort());
    const params = JSON.parse(await readFile(join(dir, 'tracker-params.json'), 'utf8'));
    expect(params.format).toBe('tamkit-tracker-params');
    expect(params.maskmem_tpos_enc.shape).toEqual([7, 1, 1, 16]);
    expect(params.maskmem_tpos_enc.data).toHaveLength(7 * 16);
    expect(params.no_mem_embed.shape).toEqual([1, 1, 32]);
    const onDisk = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ZooManifest;
    expect(onDisk).toEqual(manifest);
    for (const entry of manifest.modules) {
      const bytes = await readFile(join(dir, entry.file));
      expect(entry.bytes).toBe(bytes.byteLength);
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const model = await readModel(join(dir, entry.file));
      expect(model.graph!.node.length).toBe(entry.nodes);
    }
  });

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const [ma, mb, mc] = await Promise.all([
      writeZoo(a, { model: 'efficienttam-ti', size: 'tiny', seed: 1 }),
      writeZoo(b, { model: 'efficienttam-ti', size: 'tiny', seed: 1 }),
      writeZoo(c, { model: 'efficienttam-ti', size: 'tiny', seed: 2 }),
    ]);
    expect(mb.modules.map((m) => m.sha256)).toEqual(ma.modules.map((m) => m.sha256));
    for (const [i, m] of mc.modules.entries()) expect(m.sha256).not.toBe(ma.modules[i]!.sha256);
  });
});

describe('graph-surgery zoo', () => {
  it('generates the tiny zoo, reports progress on stderr and a line per module on stdout', async () => {
    const dir = await tempDir();
    const { io, out, err } = captureIo();
    const code = await main(['zoo', 'efficienttam-ti', '--size', 'tiny', '--seed', '3', '-o', dir], io);
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/building image_encoder/);
    expect(out.join('\n')).toMatch(/image_encoder\.onnx: [\d,]+ params/);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ZooManifest;
    expect(manifest.seed).toBe(3);
  });

  it('prints the manifest as JSON with --json', async () => {
    const dir = await tempDir();
    const { io, out } = captureIo();
    expect(await main(['zoo', 'efficienttam-ti', '--size', 'tiny', '--json', '-o', dir], io)).toBe(0);
    expect((JSON.parse(out.join('')) as ZooManifest).modules.length).toBe(registered.length);
  });

  it('BAD CALL - a fractional seed fails with exit 1 and writes nothing', async () => {
    const dir = join(await tempDir(), 'never');
    const { io, err } = captureIo();
    expect(await main(['zoo', 'efficienttam-ti', '--seed', '1.5', '-o', dir], io)).toBe(1);
    expect(err.join('\n')).toMatch(/seed 1.5/);
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('--style clean writes the tidier graphs with concrete output dims', async () => {
    const dir = await tempDir();
    const { io } = captureIo();
    expect(await main(['zoo', 'efficienttam-ti', '--size', 'tiny', '--style', 'clean', '-o', dir], io)).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ZooManifest;
    expect(manifest.style).toBe('clean');
    const decoder = manifest.modules.find((m) => m.name === 'mask_decoder')!;
    expect(decoder.outputs.find((o) => o.name === 'low_res_masks')?.shape).toEqual([1, 3, 128, 128]);
    expect(await main(['zoo', 'efficienttam-ti', '--style', 'pretty', '-o', dir], io)).toBe(2);
  });

  it('BAD CALL - an unknown model or a missing output folder is a usage error', async () => {
    const { io } = captureIo();
    expect(await main(['zoo', 'resnet', '-o', 'x'], io)).toBe(2);
    expect(await main(['zoo', 'efficienttam-ti'], io)).toBe(2);
  });
});
