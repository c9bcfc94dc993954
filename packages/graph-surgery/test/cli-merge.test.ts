import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { appliedBakes, readModel, writeModel } from '../src/index.js';
import { attentionMapFeeds, embedFeed, PAD_POINT_FEEDS } from './helpers/attention-decoder-feeds.js';
import { maxAbsDiff, runModel } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

let dir = '';
async function cli(...argv: string[]) {
  const text = { out: '', err: '' };
  const code = await main(argv, {
    out: (t: string) => {
      text.out += t;
    },
    err: (t: string) => {
      text.err += t;
    },
  });
  return { code, ...text };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-merge-cli-'));
  for (const m of ['memory_attention', 'mask_decoder', 'memory_encoder'] as const) {
    await writeModel(zooModule('tiny', m), join(dir, `${m}.onnx`));
  }
});

describe('graph-surgery bake --feature-layout / --memory-mask, then merge', () => {
  it('bakes the maps layout into memory_attention and merges the mask decoder after it; the merged graph runs', async () => {
    const maps = join(dir, 'ma.maps.onnx');
    const bake = await cli(
      'bake',
      join(dir, 'memory_attention.onnx'),
      '-o',
      maps,
      '--no-memory-layout',
      '--feature-layout',
      '32x32',
    );
    expect(bake.code).toBe(0);
    expect(bake.out).toMatch(/bake: memory_attention .*: feature-layout/);
    expect(appliedBakes(await readModel(maps))).toEqual(['feature-layout']);

    const out = join(dir, 'attend_decode.onnx');
    const r = await cli(
      'merge',
      maps,
      join(dir, 'mask_decoder.onnx'),
      '-o',
      out,
      '--connect',
      'image_embed=pix_feat_with_mem',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /merge: image_embed <- pix_feat_with_mem; inputs curr, curr_pos, memory, memory_pos, num_obj_ptr_tokens, point_coords, point_labels; outputs low_res_masks/,
    );
    expect(r.err).toMatch(/wrote .*attend_decode\.onnx/);

    // The merged file computes what the two files compute in turn.
    const feeds = attentionMapFeeds();
    const points = PAD_POINT_FEEDS;
    const conditioned = await runModel(await readModel(maps), feeds);
    const chained = await runModel(await readModel(join(dir, 'mask_decoder.onnx')), {
      image_embed: embedFeed(conditioned.pix_feat_with_mem!.data),
      ...points,
    });
    const merged = await runModel(await readModel(out), { ...feeds, ...points });
    expect(maxAbsDiff(merged.low_res_masks!.data, chained.low_res_masks!.data)).toBeLessThan(1e-4);
  });

  it('bakes the mask for memory into memory_encoder only when asked', async () => {
    const plain = await cli('bake', join(dir, 'memory_encoder.onnx'), '-o', join(dir, 'me0.onnx'));
    expect(plain.code).not.toBe(0);
    expect(plain.err).toMatch(/BAKE_NONE[\s\S]*--memory-mask/);
    expect(existsSync(join(dir, 'me0.onnx'))).toBe(false);
    const r = await cli(
      'bake',
      join(dir, 'memory_encoder.onnx'),
      '-o',
      join(dir, 'me.onnx'),
      '--memory-mask',
      '--json',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.applied).toEqual(['memory-mask']);
    expect(report.memoryMask.scale).toBe('mask_sigmoid_scale');
  });

  it('BAD INPUT - a connection that is not INPUT=OUTPUT, or that does not fit, fails with no output written', async () => {
    const out = join(dir, 'bad.onnx');
    const attention = join(dir, 'memory_attention.onnx');
    const decoder = join(dir, 'mask_decoder.onnx');
    const pair = await cli('merge', attention, decoder, '-o', out, '--connect', 'image_embed');
    expect(pair.code).toBe(2);
    expect(pair.err).toMatch(/--connect "image_embed" is not INPUT=OUTPUT/);
    // Token layout into a maps input: the remedy says to bake the layout first.
    const layout = await cli('merge', attention, decoder, '-o', out, '--connect', 'image_embed=pix_feat_with_mem');
    expect(layout.code).not.toBe(0);
    expect(layout.err).toMatch(/MERGE_MISMATCH[\s\S]*shapes differ[\s\S]*bake the feature layout/);
    expect(existsSync(out)).toBe(false);
  });
});
