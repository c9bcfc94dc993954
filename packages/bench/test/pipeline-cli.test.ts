import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, UsageError } from '@tamkit/common';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ImageFolderVideo } from '../src/pipeline/image-folder-video.js';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { parseBenchReport } from '../src/report/read-report.js';
import { createSequenceTracker } from '../src/tracker/sequence-tracker.js';
import { formatModuleStacks, parseStackSpec } from '../src/tracker/stack-spec.js';
import { bench } from './helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-pipeline-cli-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--stack for the pipeline', () => {
  it('gives every module one stack, or overrides some modules of a default', () => {
    expect(parseStackSpec('ort-cpu')).toEqual({
      image_encoder: 'ort-cpu',
      memory_attention: 'ort-cpu',
      mask_decoder: 'ort-cpu',
      memory_encoder: 'ort-cpu',
    });
    const mixed = parseStackSpec(['ort-webgpu,mask_decoder=ort-cpu']);
    expect(mixed.mask_decoder).toBe('ort-cpu');
    expect(mixed.memory_attention).toBe('ort-webgpu');
    expect(formatModuleStacks(mixed)).toBe(
      'image_encoder=ort-webgpu,memory_attention=ort-webgpu,mask_decoder=ort-cpu,memory_encoder=ort-webgpu',
    );
    expect(
      parseStackSpec(
        'image_encoder=ort-webgpu, memory_attention=ort-webgpu,mask_decoder=ort-cpu,memory_encoder=ort-cpu',
      ),
    ).toMatchObject({ image_encoder: 'ort-webgpu', memory_encoder: 'ort-cpu' });
  });

  it('BAD CALL - rejects unknown modules and stacks, repeats, and modules left without a stack', () => {
    expect(() => parseStackSpec('mask_encoder=ort-cpu')).toThrow(/unknown module "mask_encoder"/);
    expect(() => parseStackSpec('ort-gpu')).toThrow(/unknown stack "ort-gpu"/);
    expect(() => parseStackSpec('ort-cpu,mask_decoder=ort-cpu,mask_decoder=ort-webgpu')).toThrow(/assigned twice/);
    expect(() => parseStackSpec('image_encoder=ort-webgpu')).toThrow(
      /no stack for memory_attention, mask_decoder, memory_encoder/,
    );
    expect(() => parseStackSpec('ort-cpu,ort-webgpu')).toThrow(UsageError);
  });
});

describe('bench pipeline', () => {
  it('tracks the tiny zoo, prints the pipeline table and writes a report compare can read, and a CSV', async () => {
    const json = join(dir, 'out', 'pipeline.json');
    const csv = join(dir, 'out', 'pipeline.csv');
    const { code, out } = await bench(
      'pipeline',
      '--models',
      join(dir, 'zoo'),
      '--stack',
      'ort-cpu',
      '--frames',
      '2',
      '--warmup-frames',
      '1',
      '--isolated-iterations',
      '2',
      '--threads',
      '1',
      '--frame-size',
      '96x64',
      '--variant',
      'unbaked',
      '--no-host-worker',
      '--json',
      json,
      '--csv',
      csv,
    );
    expect(code).toBe(ExitCode.Ok);
    expect(out).toMatch(/unbaked \[ort-cpu\]\s+2\s/);
    expect(out).toMatch(/note: chained p50/);
    expect(out).toMatch(/host stages in process/);
    const report = parseBenchReport(JSON.parse(readFileSync(json, 'utf8')), json);
    expect(report.pipelines).toHaveLength(1);
    expect(report.pipelines[0]!.perFrame.samples).toBe(2);
    expect(report.modules.map((m) => m.module).sort()).toEqual([
      'image_encoder',
      'mask_decoder',
      'memory_attention',
      'memory_encoder',
    ]);
    expect(readFileSync(csv, 'utf8')).toMatch(/memory_attention/);
  });

  it('BAD CALL - a malformed --frame-size or --frames is a usage error (exit 2) and writes nothing', async () => {
    const json = join(dir, 'never.json');
    const size = await bench(
      'pipeline',
      '--models',
      join(dir, 'zoo'),
      '--stack',
      'ort-cpu',
      '--frame-size',
      'big',
      '--json',
      json,
    );
    expect(size.code).toBe(ExitCode.Usage);
    expect(size.err).toMatch(/--frame-size big/);
    const frames = await bench('pipeline', '--models', join(dir, 'zoo'), '--stack', 'ort-cpu', '--frames', '0');
    expect(frames.code).toBe(ExitCode.Usage);
    expect(() => readFileSync(json)).toThrow();
  });

  it('BAD CALL - a --variant count that does not match the --models count is a usage error', async () => {
    const zoo = join(dir, 'zoo');
    const { code, err } = await bench(
      'pipeline',
      '--models',
      zoo,
      '--models',
      zoo,
      '--variant',
      'a',
      '--stack',
      'ort-cpu',
    );
    expect(code).toBe(ExitCode.Usage);
    expect(err).toMatch(/2 --models but 1 --variant/);
  });

  it('BAD CALL - a module-less stack spec is a usage error naming the modules', async () => {
    const { code, err } = await bench('pipeline', '--models', join(dir, 'zoo'), '--stack', 'image_encoder=ort-cpu');
    expect(code).toBe(ExitCode.Usage);
    expect(err).toMatch(/no stack for memory_attention/);
  });

  it('tracks a folder of JPEG frames, prompted from its groundtruth.txt', async () => {
    const sharp = (await import('sharp')).default;
    const seq = join(dir, 'seq');
    await mkdir(join(seq, 'img'), { recursive: true });
    const video = new SyntheticVideo({ width: 80, height: 48, seed: 4 });
    for (let i = 0; i < 3; i += 1) {
      const f = video.frame(i);
      await sharp(Buffer.from(f.data), { raw: { width: 80, height: 48, channels: 3 } })
        .jpeg()
        .toFile(join(seq, 'img', `0000000${i + 1}.jpg`));
    }
    await writeFile(join(seq, 'groundtruth.txt'), '11,6,20,10\n12,6,20,10\n');
    const folder = await ImageFolderVideo.open(join(seq, 'img'));
    expect([folder.width, folder.height, folder.length]).toEqual([80, 48, 3]);
    expect(folder.box(0)).toEqual([10, 5, 20, 10]);
    expect((await folder.frame(1)).data).toHaveLength(80 * 48 * 3);
    const { code, out } = await bench(
      'pipeline',
      '--models',
      join(dir, 'zoo'),
      '--stack',
      'ort-cpu',
      '--images',
      join(seq, 'img'),
      '--frames',
      '2',
      '--warmup-frames',
      '1',
      '--isolated-iterations',
      '0',
      '--threads',
      '1',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(out).toMatch(/frames: caller's 80x48 source/);
  });

  it('follows JPEG files through the sequence-tracker adapter eval drives', async () => {
    const tracker = await createSequenceTracker({ models: join(dir, 'zoo'), stack: 'ort-cpu', threads: 1 });
    try {
      const img = join(dir, 'seq', 'img');
      const frame = (i: number) => ({ index: i, path: join(img, `0000000${i + 1}.jpg`) });
      const first = await tracker.init(frame(0), [10, 5, 20, 10], frame(1));
      const next = await tracker.track(frame(1), frame(2)); // frame 2's decode starts early
      // Named early or not, a frame gives the same result (the decode ahead is only a head start).
      const plain = await createSequenceTracker({ models: join(dir, 'zoo'), stack: 'ort-cpu', threads: 1 });
      try {
        await plain.init(frame(0), [10, 5, 20, 10]);
        expect(await plain.track(frame(1))).toEqual(next);
      } finally {
        await plain.dispose();
      }
      await expect(tracker.track({ index: 2, path: join(img, 'missing.jpg') })).rejects.toThrow(/missing\.jpg/);
      for (const out of [first, next]) {
        expect(out.box).toHaveLength(4);
        expect(out.box[0] + out.box[2]).toBeLessThanOrEqual(80);
        expect(Number.isFinite(out.score)).toBe(true);
      }
    } finally {
      await tracker.dispose();
    }
  });

  it('BAD CALL - an image folder without frames or a prompt fails with a remedy', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(ImageFolderVideo.open(empty)).rejects.toThrow(/holds no \.jpg/);
    const { code, err } = await bench(
      'pipeline',
      '--models',
      join(dir, 'zoo'),
      '--stack',
      'ort-cpu',
      '--images',
      join(dir, 'seq', 'img'),
      '--prompt',
      '1,2,3',
    );
    expect(code).toBe(ExitCode.Usage);
    expect(err).toMatch(/--prompt 1,2,3/);
  });

  it('shows examples in --help', async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => {
      printed.push(String(text));
    });
    try {
      await bench('pipeline', '--help');
    } finally {
      log.mockRestore();
    }
    const out = printed.join('\n');
    expect(out).toMatch(/Examples:/);
    expect(out).toMatch(/ort-webgpu,mask_decoder=ort-cpu/);
    expect(out).toMatch(/--device-copies/);
  });
});
