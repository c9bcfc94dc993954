/**
 * `graph-surgery specialize`: writes the specialised model and prints its report (text or JSON); bad bindings
 * exit 1 with the typed error and write nothing; malformed options are usage errors (exit 2).
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/index.js';
import { readModel, type SpecializeReport, writeModel } from '../src/index.js';
import { exportStyleMemoryAttention } from './helpers/export-style.js';
import { graphOf } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

let dir = '';
async function cli(...argv: string[]) {
  const text = { out: '', err: '' };
  const code = await main(argv, {
    out: (t) => {
      text.out += t;
    },
    err: (t) => {
      text.err += t;
    },
  });
  return { code, ...text };
}

/** `specialize` on the export-style memory attention at a bank of `tokens` memory tokens, `pointers` of them pointer tokens. */
const specializeBank = (out: string, tokens: number, pointers: number, ...more: string[]) =>
  cli(
    'specialize',
    join(dir, 'ma.onnx'),
    '-o',
    out,
    '--dim',
    `num_mem_tokens=${tokens}`,
    '--value',
    `num_obj_ptr_tokens=${pointers}`,
    ...more,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-specialize-'));
  await writeModel(exportStyleMemoryAttention(), join(dir, 'ma.onnx'));
  await writeModel(zooModule('tiny', 'image_encoder'), join(dir, 'ie.onnx'));
});

describe('graph-surgery specialize', () => {
  it('binds a dim and a value, writes the model and prints nodes before/after per op', async () => {
    const out = join(dir, 'ma.static.onnx');
    const r = await specializeBank(out, 36, 4);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bound: num_mem_tokens=36, num_obj_ptr_tokens=4/);
    expect(r.out).toMatch(/nodes: \d+ -> \d+/);
    expect(r.out).toMatch(/Shape +\d+ -> 0/);
    expect(r.out).toMatch(/pix_feat_with_mem: FLOAT\[16,1,8\]/);
    const model = await readModel(out);
    expect(graphOf(model).input.map((v) => v.name)).toEqual(['curr', 'memory', 'memory_pos']);
  });

  it('--json prints the report; --shape binds a whole input shape', async () => {
    const r = await cli(
      'specialize',
      join(dir, 'ma.onnx'),
      '-o',
      join(dir, 'ma.json.onnx'),
      '--shape',
      'memory=36,1,4',
      '--value',
      'num_obj_ptr_tokens=4',
      '--json',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as SpecializeReport;
    expect(report.removedInputs).toEqual(['num_obj_ptr_tokens']);
    expect(report.bound.inputs.find((i) => i.name === 'memory_pos')?.shape).toEqual([36, 1, 4]);
    expect(report.ops.Shape?.after).toBe(0);
  });

  it('--no-onnxruntime keeps the nodes only ONNX Runtime computes, and says why', async () => {
    const r = await cli(
      'specialize',
      join(dir, 'ie.onnx'),
      '-o',
      join(dir, 'ie.static.onnx'),
      '--no-onnxruntime',
      '--json',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as SpecializeReport;
    expect(report.folded.onnxruntime).toBe(0);
    expect(report.kept.map((k) => k.op).sort()).toEqual(['Cos', 'Cos', 'Resize', 'Sin', 'Sin']);
    expect(new Set(report.kept.map((k) => k.reason))).toEqual(new Set(['no exact kernel here (needs ONNX Runtime)']));
  });

  it('over a folder, one set of bindings serves all four modules (each takes the ones it has)', async () => {
    const zoo = join(dir, 'zoo');
    expect((await cli('zoo', 'efficienttam-ti', '--size', 'tiny', '-o', zoo)).code).toBe(0);
    const out = join(dir, 'zoo.static');
    const bindings = ['--dim', 'num_mem_tokens=7200', '--dim', 'num_points=1', '--value', 'num_obj_ptr_tokens=32'];
    const r = await cli('specialize', zoo, '-o', out, ...bindings);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/memory_attention\.onnx: bound: num_mem_tokens=7200, num_obj_ptr_tokens=32/);
    expect(r.out).toMatch(/mask_decoder\.onnx: bound: num_points=1/);
    expect(r.out).toMatch(
      /note: not in this model, ignored: dim num_mem_tokens, dim num_points, input num_obj_ptr_tokens/,
    );
    for (const m of ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder'])
      expect(existsSync(join(out, `${m}.onnx`))).toBe(true);
  });

  it('BAD CALL - a contradicting binding exits 1 with the typed error and writes nothing', async () => {
    const out = join(dir, 'bad.onnx');
    const r = await specializeBank(out, 36, 3);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SPECIALIZE_CONFLICT.*num_mem_tokens=36, num_obj_ptr_tokens=3 contradict the graph at node/);
    expect(existsSync(out)).toBe(false);
    const unbound = await cli('specialize', join(dir, 'ma.onnx'), '-o', out);
    expect(unbound.code).toBe(1);
    expect(unbound.err).toMatch(/SPECIALIZE_UNBOUND[\s\S]*--dim num_mem_tokens=N/);
  });

  it('BAD CALL - malformed bindings are usage errors', async () => {
    expect(
      (await cli('specialize', join(dir, 'ma.onnx'), '-o', join(dir, 'x.onnx'), '--dim', 'num_mem_tokens')).code,
    ).toBe(2);
    expect((await cli('specialize', join(dir, 'ma.onnx'), '-o', join(dir, 'x.onnx'), '--dim', 'n=1.5')).code).toBe(2);
  });

  it('--help shows examples', async () => {
    // yargs prints help through console.log.
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => {
      printed.push(String(text));
    });
    try {
      await cli('specialize', '--help');
    } finally {
      log.mockRestore();
    }
    const help = printed.join('\n');
    expect(help).toMatch(/Examples:[\s\S]*--dim num_mem_tokens=7232/);
    expect(help).toMatch(/num_obj_ptr_tokens=64/);
  });
});
