/** Passes over a folder of modules, and pattern presets on modules that lack the pattern (issue 11, item 6). */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { emulateFloat16, readModel, writeZoo } from '../src/index.js';
import { graphOf } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

async function cli(...argv: string[]) {
  const text = { out: '', err: '' };
  const code = await main(argv, {
    out(t) {
      text.out += t;
    },
    err(t) {
      text.err += t;
    },
  });
  return { code, ...text };
}

let dir = '';
let fp16Run = { code: 0, out: '', err: '' };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-folder-passes-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
  fp16Run = await cli('fp16', join(dir, 'zoo'), '-o', join(dir, 'zoo16'), '--keep-io-types', '--json');
});

describe('a pass applied to a folder of modules', () => {
  it('converts every module; the tracker parameters travel along, the zoo manifest (it describes the inputs) does not', () => {
    expect(fp16Run.code).toBe(0);
    const result = JSON.parse(fp16Run.out);
    expect(result.modules).toHaveLength(4);
    expect(result.copied).toEqual(['tracker-params.json']);
    expect(result.skipped).toEqual(['manifest.json']);
  });

  it('writes every module, notes the one without a match (memory_encoder has no attention) and succeeds', async () => {
    const r = await cli(
      'fp32-islands',
      join(dir, 'zoo16'),
      '-o',
      join(dir, 'scores'),
      '--pattern',
      'attention-scores',
      '--json',
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.modules.map((m: { file: string }) => m.file)).toEqual([
      'image_encoder.onnx',
      'mask_decoder.onnx',
      'memory_attention.onnx',
      'memory_encoder.onnx',
    ]);
    const encoder = result.modules.find((m: { file: string }) => m.file === 'memory_encoder.onnx').report;
    expect(encoder.notes).toEqual([
      'pattern "attention-scores" matches no node of this model',
      'no node chosen: the model is unchanged',
    ]);
    expect(encoder.nodes).toEqual([]);
    for (const m of result.modules.filter((m: { file: string }) => m.file !== 'memory_encoder.onnx'))
      expect(m.report.nodes.length).toBeGreaterThan(0);
    expect(result.copied).toEqual(['tracker-params.json']);
    expect((await readdir(join(dir, 'scores'))).sort()).toEqual([
      'image_encoder.onnx',
      'mask_decoder.onnx',
      'memory_attention.onnx',
      'memory_encoder.onnx',
      'tracker-params.json',
    ]);
    const unchanged = await readModel(join(dir, 'scores', 'memory_encoder.onnx'));
    const original = await readModel(join(dir, 'zoo16', 'memory_encoder.onnx'));
    expect(graphOf(unchanged).node.length).toBe(graphOf(original).node.length);
  });

  it('prints the note per module in the text report', async () => {
    const r = await cli('fp32-islands', join(dir, 'zoo16'), '-o', join(dir, 'mixed'), '--pattern', 'mixed');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/memory_attention\.onnx: fp32-islands: \d+ nodes in FP32 \(.*attention-times-values MatMul/);
    expect(r.out).toMatch(/wrote 4 modules to .*mixed \(copied tracker-params\.json\)/);
    expect(r.err).toMatch(/\[4\/4\] memory_encoder\.onnx/);
  });

  it('BAD INPUT - a named node that matches nothing stays an error, names the module and writes nothing', async () => {
    const out = join(dir, 'named');
    const r = await cli('fp32-islands', join(dir, 'zoo16'), '-o', out, '--nodes', '/no/such/node');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/image_encoder\.onnx: fp32-islands: no node named "\/no\/such\/node"/);
    expect(existsSync(out)).toBe(false);
  });

  it('BAD INPUT - a folder without models, and an output folder that is the input, are refused', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tamkit-empty-'));
    expect((await cli('fp16', empty, '-o', join(dir, 'x'))).err).toMatch(/holds no \.onnx file/);
    const same = await cli('fp16', join(dir, 'zoo'), '-o', join(dir, 'zoo'));
    expect(same.code).toBe(1);
    expect(same.err).toMatch(/is the input folder/);
  });
});

describe('a pattern on a single module without a match', () => {
  it('fp32-islands: a note, exit 0, the model written unchanged', async () => {
    const out = join(dir, 'me.onnx');
    const r = await cli('fp32-islands', join(dir, 'zoo16', 'memory_encoder.onnx'), '-o', out, '--pattern', 'softmax');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/note: pattern "softmax" matches no node of this model/);
    expect(await readFile(out)).toEqual(await readFile(join(dir, 'zoo16', 'memory_encoder.onnx')));
  });

  it('emulate-fp16 and probe: the same note in their reports', async () => {
    const model = zooModule('tiny', 'memory_encoder');
    expect(emulateFloat16(model, { exceptPatterns: ['attention-scores', 'layernorm'] }).report.notes).toEqual([
      'pattern "attention-scores" matches no node of this model',
    ]);
    const probe = await cli(
      'probe',
      join(dir, 'zoo', 'memory_encoder.onnx'),
      '-o',
      join(dir, 'p.onnx'),
      '--pattern',
      'softmax',
      '--json',
    );
    expect(probe.code).toBe(0);
    expect(JSON.parse(probe.out).notes).toEqual([
      'pattern "softmax" matches nothing in this model',
      'no tensor chosen: the model is unchanged',
    ]);
  });

  it('BAD INPUT - a single named node that matches nothing stays an error', async () => {
    for (const [command, folder, flag, message] of [
      ['fp32-islands', 'zoo16', '--nodes', /no node named "\/nope"/],
      ['emulate-fp16', 'zoo', '--except', /"\/nope" names no node/],
    ] as const) {
      const out = join(dir, `${command}-nope.onnx`);
      const r = await cli(command, join(dir, folder, 'memory_encoder.onnx'), '-o', out, flag, '/nope');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});
