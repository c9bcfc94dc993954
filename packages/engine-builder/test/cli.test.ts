import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { fixturePath, TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { tempDir, writeZooModels } from './helpers/models.js';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const NO_TRTEXEC = ['--trtexec', '/nonexistent/trtexec'];
const GPU = ['--gpu', 'NVIDIA H100 80GB HBM3, 9.0, GPU-11111111-2222-3333-4444-555555555555, 550.54.15'];

describe('engine-builder CLI', () => {
  let models: Record<string, string>;
  beforeAll(async () => {
    models = await writeZooModels();
  });

  it('build --print-command prints the TensorRT 10 command without running anything', async () => {
    const r = await run([
      'build',
      models.image_encoder!,
      '--precision',
      'fp16',
      '--print-command',
      '--trt-version',
      '10',
      ...NO_TRTEXEC,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/# TensorRT 10.x \(from --trt-version\): weakly typed/);
    expect(r.out).toContain(`/nonexistent/trtexec --onnx=${models.image_encoder} --saveEngine=engine.plan --fp16 `);
  });

  it('build --print-command --json on TensorRT 11 lists the graph edits of a mixed plan and warns about unmatched patterns', async () => {
    const plan = fixturePath('plans/efficienttam-mixed.json');
    const r = await run([
      'build',
      models.memory_encoder!,
      '--plan',
      plan,
      '--print-command',
      '--trt-version',
      '11',
      '--json',
      ...NO_TRTEXEC,
    ]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.graphEdits.map((e: { pass: string }) => e.pass)).toEqual(['convertToFloat16', 'insertFp32Islands']);
    expect(d.unmatched).toContain('pattern:*/Softmax');
    expect(d.args.some((a: string) => a.startsWith('--fp16'))).toBe(false);
  });

  it('build --print-command on TensorRT 11 shows a BF16 plan as the convertToBfloat16 graph edit, with no --bf16 flag', async () => {
    const r = await run([
      'build',
      models.memory_encoder!,
      '--precision',
      'bf16',
      '--print-command',
      '--trt-version',
      '11',
      ...NO_TRTEXEC,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('# graph edit: convertToBfloat16 {"keepIoTypes":true}');
    expect(r.out).toContain('/nonexistent/trtexec --onnx=model.typed.onnx ');
    expect(r.out).not.toMatch(/--bf16|--fp16/);
  });

  it('BAD INPUT - contradicting --precision and --plan, or neither, is a usage error (exit 2)', async () => {
    const plan = fixturePath('plans/efficienttam-mixed.json');
    const both = await run([
      'build',
      models.image_encoder!,
      '--precision',
      'bf16',
      '--plan',
      plan,
      '--print-command',
      '--trt-version',
      '10',
      ...NO_TRTEXEC,
    ]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--precision bf16 contradicts .*fp16/);
    expect((await run(['build', models.image_encoder!, '--print-command', '--trt-version', '10'])).code).toBe(2);
    expect((await run(['build', models.image_encoder!, '--precision', 'int8'])).code).toBe(2);
  });

  it('BAD INPUT - a plan file that is not valid JSON fails with the file named (exit 1)', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'plan.json');
    await writeFile(bad, '{"schemaVersion": 1,');
    const r = await run([
      'build',
      models.image_encoder!,
      '--plan',
      bad,
      '--print-command',
      '--trt-version',
      '10',
      ...NO_TRTEXEC,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error [PLAN_INVALID]: Precision plan ${bad}: is not valid JSON`);
  });

  it('BAD RUN - build without trtexec says how to install it and exits 4', async () => {
    const dir = await tempDir();
    const r = await run(['build', models.image_encoder!, '--precision', 'fp16', '--cache', dir, ...NO_TRTEXEC, ...GPU]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/Install TensorRT .* TRTEXEC=\/path\/to\/trtexec/);
  });

  it('build with the trtexec test double prints the cached engine path; cache ls and verify see it; a corrupted engine fails verify', async () => {
    // TEST DOUBLE: test/doubles/trtexec-double.mjs stands in for trtexec; its placeholder engine is never benchmarked.
    const cache = await tempDir();
    const r = await run([
      'build',
      models.mask_decoder!,
      '--precision',
      'fp16',
      '--cache',
      cache,
      '--trtexec',
      TRTEXEC_DOUBLE,
      '--quiet',
      ...GPU,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/engines\/[0-9a-f]{40}\/engine.plan$/);
    expect(r.err).toMatch(/built: [0-9a-f]{40}/);
    const again = await run([
      'build',
      models.mask_decoder!,
      '--precision',
      'fp16',
      '--cache',
      cache,
      '--trtexec',
      TRTEXEC_DOUBLE,
      '--quiet',
      ...GPU,
    ]);
    expect(again.err).toMatch(/cache hit/);

    const ls = await run(['cache', 'ls', '--cache', cache, '--json']);
    expect(JSON.parse(ls.out)).toHaveLength(1);
    expect((await run(['cache', 'verify', '--cache', cache])).code).toBe(0);
    await writeFile(r.out.trim(), `${await readFile(r.out.trim(), 'utf8')}x`);
    const verify = await run(['cache', 'verify', '--cache', cache]);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/BROKEN .*engine is \d+ bytes, manifest says \d+/);
    expect((await run(['cache', 'prune', '--cache', cache])).code).toBe(2);
    const prune = await run(['cache', 'prune', '--cache', cache, '--corrupt']);
    expect(prune.out).toMatch(/removed 1 entry/);
  });

  it("inspect of a cached engine reads the entry's layer information and checks a plan given by pattern", async () => {
    // TEST DOUBLE: trtexec-double.mjs copies a fixture as the "exported" layer information; nothing is benchmarked.
    const cache = await tempDir();
    process.env.TRTEXEC_DOUBLE_LAYER_INFO = fixturePath('trtexec-10/layers-detailed.json');
    try {
      const built = await run([
        'build',
        models.image_encoder!,
        '--precision',
        'fp16',
        '--cache',
        cache,
        '--trtexec',
        TRTEXEC_DOUBLE,
        '--quiet',
        ...GPU,
      ]);
      const plan = join(cache, 'plan.json');
      await writeFile(
        plan,
        JSON.stringify({ schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { patterns: ['*/norm/ReduceMean'] } }),
      );
      const r = await run(['inspect', built.out.trim(), '--plan', plan, '--json']);
      const report = JSON.parse(r.out);
      expect(report.source).toBe('cache-entry');
      expect(report.findings.map((f: { layer: string; kind: string }) => [f.layer, f.kind])).toEqual([
        ['/image_encoder/neck/convs.0/norm/ReduceMean', 'pinned-layer-low-precision'],
      ]);
    } finally {
      delete process.env.TRTEXEC_DOUBLE_LAYER_INFO;
    }
  });

  it('inspect prints per-layer precisions and, with --strict, exits 1 on a fused FP16 kernel over pinned nodes', async () => {
    const dir = await tempDir();
    const plan = join(dir, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({ schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { patterns: ['*/attn/Softmax'] } }),
    );
    const r = await run(['inspect', fixturePath('trtexec-10/layers-detailed.json'), '--plan', plan, '--strict']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/_gemm_mha_v2_myl3_5\s+gemm_mha_v2\s+fp16/);
    expect(r.out).toMatch(/WARNING: 1 layer\(s\) do not honour the plan's FP32 pins/);
    const json = await run(['inspect', fixturePath('trtexec-10/layers-detailed.json'), '--json']);
    expect(JSON.parse(json.out).layers).toHaveLength(8);
    expect(json.code).toBe(0);
  });
});
