import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/index.js';
import { appliedBakes, DataType, readModel, writeModel } from '../src/index.js';
import { attentionModel } from './helpers/graphs.js';
import { miniImageEncoder, miniMaskDecoder } from './helpers/modules.js';
import { graphOf } from './helpers/ort-feeds.js';

let dir = '';
const io = () => {
  const text = { out: '', err: '' };
  const sink = {
    out(t: string) {
      text.out += t;
    },
    err(t: string) {
      text.err += t;
    },
  };
  return { text, io: sink };
};
async function cli(...argv: string[]) {
  const { text, io: sink } = io();
  const code = await main(argv, sink);
  return { code, ...text };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-passes-'));
  await writeModel(attentionModel({ form: 'prescaled-qk', norm: 'decomposed' }), join(dir, 'attn.onnx'));
  await writeModel(miniMaskDecoder(), join(dir, 'decoder.onnx'));
  await writeModel(miniImageEncoder(), join(dir, 'encoder.onnx'));
});

describe('graph-surgery pass commands', () => {
  it('fp16 writes an FP16 model and prints its report as JSON', async () => {
    const r = await cli('fp16', join(dir, 'attn.onnx'), '-o', join(dir, 'attn16.onnx'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).initializersConverted).toBeGreaterThan(0);
    const model = await readModel(join(dir, 'attn16.onnx'));
    expect(graphOf(model).input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
  });

  it('bf16 writes a BF16 model with FP32 I/O kept on request and prints its report as JSON', async () => {
    const r = await cli('bf16', join(dir, 'attn.onnx'), '-o', join(dir, 'attn-bf16.onnx'), '--keep-io-types', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.initializersConverted).toBeGreaterThan(0);
    expect(report.floatOnlyNodes).toEqual([]);
    const model = await readModel(join(dir, 'attn-bf16.onnx'));
    expect(graphOf(model).input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(graphOf(model).initializer.some((t) => t.dataType === DataType.BFLOAT16)).toBe(true);
    const emu = await cli('emulate-fp16', join(dir, 'attn.onnx'), '-o', join(dir, 'emu-bf16.onnx'), '--format', 'bf16');
    expect(emu.code).toBe(0);
    expect(emu.out).toMatch(/emulate-fp16 \(bf16\)/);
  });

  it('fp32-islands, emulate-fp16 and probe chain on files', async () => {
    await cli('fp16', join(dir, 'attn.onnx'), '-o', join(dir, 'a16.onnx'));
    const islands = await cli(
      'fp32-islands',
      join(dir, 'a16.onnx'),
      '-o',
      join(dir, 'mixed.onnx'),
      '--fp32-patterns',
      'attention-scores',
      'layernorm',
    );
    expect(islands.code).toBe(0);
    expect(islands.out).toMatch(/nodes in FP32/);
    const emu = await cli('emulate-fp16', join(dir, 'attn.onnx'), '-o', join(dir, 'emu.onnx'), '--fp32-ops', 'Softmax');
    expect(emu.code).toBe(0);
    const probe = await cli('probe', join(dir, 'attn.onnx'), '-o', join(dir, 'probed.onnx'), '--pattern', 'softmax');
    expect(probe.code).toBe(0);
    expect(graphOf(await readModel(join(dir, 'probed.onnx'))).output).toHaveLength(2);
  });

  it('bake recognises the module and applies its bakes', async () => {
    const r = await cli(
      'bake',
      join(dir, 'decoder.onnx'),
      '-o',
      join(dir, 'decoder.baked.onnx'),
      '--box',
      '--mask-size',
      '48x32',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/mask_decoder .*mask-box, mask-resize/);
    const baked = await readModel(join(dir, 'decoder.baked.onnx'));
    expect(appliedBakes(baked)).toEqual(['mask-box', 'mask-resize']);
    expect(graphOf(baked).output.map((o) => o.name)).toContain('low_res_masks_32x48');
  });

  it('BAD CALL - bad inputs fail clearly, leave the input unchanged and write nothing', async () => {
    const before = await readFile(join(dir, 'encoder.onnx'));
    const cases = [
      { argv: ['bake', join(dir, 'encoder.onnx'), '--module', 'mask_decoder'], code: 1, err: /MODULE_MISMATCH/ },
      { argv: ['probe', join(dir, 'encoder.onnx'), '--tensors', 'nope'], code: 1, err: /TENSOR_NOT_FOUND.*"nope"/ },
      { argv: ['fp16', join(dir, 'attn16.onnx')], code: 1, err: /FP16_ALREADY/ },
      { argv: ['bf16', join(dir, 'attn16.onnx')], code: 1, err: /BF16_ALREADY/ },
      { argv: ['bf16', join(dir, 'attn.onnx'), '--fp32-nodes', '/nope'], code: 1, err: /NODE_NOT_FOUND.*"\/nope"/ },
      {
        argv: ['fp32-islands', join(dir, 'encoder.onnx')],
        code: 2,
        err: /--fp32-nodes, --fp32-ops or --fp32-patterns/,
      },
      { argv: ['bake', join(dir, 'decoder.onnx'), '--mask-size', 'big'], code: 2, err: /WIDTHxHEIGHT/ },
    ];
    for (const [i, c] of cases.entries()) {
      const out = join(dir, `bad${i}.onnx`);
      const r = await cli(...c.argv, '-o', out);
      expect(r.code, c.argv.join(' ')).toBe(c.code);
      expect(r.err).toMatch(c.err);
      expect(existsSync(out)).toBe(false);
    }
    const twice = await cli('bake', join(dir, 'decoder.baked.onnx'), '-o', join(dir, 'twice.onnx'));
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/already applied/);
    expect(await readFile(join(dir, 'encoder.onnx'))).toEqual(before);
  });

  it('each command explains itself with examples in --help', async () => {
    // yargs prints help through console.log.
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.join(' '));
    });
    try {
      for (const command of ['bake', 'fp16', 'bf16', 'fp32-islands', 'emulate-fp16', 'probe']) {
        printed.length = 0;
        const r = await cli(command, '--help');
        expect(r.code, command).toBe(0);
        expect(printed.join('\n'), command).toMatch(/Examples:/);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
