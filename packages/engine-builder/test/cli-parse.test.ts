import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/index.js';
import { fixturePath } from './helpers/fixtures.js';
import { tempDir } from './helpers/models.js';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('engine-builder parse', () => {
  it('detects a run log and prints throughput, the statistics table and trtexec warnings', async () => {
    const r = await run(['parse', fixturePath('public/trt-10.16.0/run.log')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/trtexec log with a performance summary \(detected, TensorRT 10\.16\.0\)/);
    expect(r.out).toMatch(/throughput: 20235\.1 qps \(60707 timed queries\)/);
    expect(r.out).toMatch(/GPU compute +0\.0266113 +0\.0286865 +0\.0305783 +0\.288574 +0\.034668/);
    expect(r.out).toMatch(/warning \(unstable-gpu-compute, line 578\): GPU compute time is unstable/);
  });

  it('prints JSON with --json, and exits 1 for the log of a failed build', async () => {
    const r = await run(['parse', fixturePath('public/trt-10.16.0/build-plugin-failed.log'), '--json']);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.out);
    expect(parsed).toMatchObject({ kind: 'build-log', detected: true, tensorrt: '10.16.0' });
    expect(parsed.log.outcome).toBe('failed');
    expect(parsed.log.errors[3]).toMatch(/Plugin not found/);
  });

  it('reads layer information with precisions and Myelin regions, and a trace with enqueue time unavailable', async () => {
    const layers = await run(['parse', fixturePath('public/trt-10.16.1/layers-detailed.json')]);
    expect(layers.code).toBe(0);
    expect(layers.out).toMatch(/9 layers \(detailed\), I\/O tensors: x, y, z/);
    expect(layers.out).toMatch(/__myl_MulSum_myl4_1 +kgen +fp32 .*myelin-region/);
    const times = await run(['parse', fixturePath('public/trt-8.4/tf-resnet-fp32.timing.json')]);
    expect(times.out).toMatch(/263 iterations/);
    expect(times.out).toMatch(/enqueue +unavailable/);
  });

  it('BAD INPUT - a profile read as layer information exits 1 naming the file and both kinds', async () => {
    const file = fixturePath('public/trt-8.4/resnet-fp16.profile.json');
    const r = await run(['parse', file, '--kind', 'layers']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(
        `error \\[WRONG_FILE_KIND\\]: ${file}: expected a trtexec --exportLayerInfo JSON, found a trtexec --exportProfile JSON`,
      ),
    );
  });

  it('BAD INPUT - an empty file exits 1 with FILE_EMPTY; an unknown --kind is a usage error', async () => {
    const dir = await tempDir('engine-builder-cli-parse-');
    const empty = join(dir, 'times.json');
    await writeFile(empty, '');
    const r = await run(['parse', empty]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /error \[FILE_EMPTY\]: .*times\.json: not a valid trtexec log or export file: the file is empty/,
    );
    expect((await run(['parse', empty, '--kind', 'engine'])).code).toBe(2);
  });

  it('--help lists the kinds, examples and exit codes', async () => {
    // yargs prints help with console.log.
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => {
      printed.push(String(text));
    });
    try {
      expect((await run(['parse', '--help'])).code).toBe(0);
    } finally {
      log.mockRestore();
    }
    const help = printed.join('\n').replace(/\s+/g, ' ');
    expect(help).toMatch(/"auto", "summary", "times", "profile", "layers", "build-log", "output"/);
    expect(help).toMatch(/Examples: .*engine-builder parse build\.log --kind build-log/);
    expect(help).toMatch(/Exit codes: 0 parsed; 1 the file is broken/);
  });
});

describe('engine-builder inspect on files that are not layer information', () => {
  it('BAD INPUT - a profile exits 1 saying what the file is, not "trtexec was not found" (exit 4)', async () => {
    const r = await run([
      'inspect',
      fixturePath('public/trt-8.4/resnet-fp16.profile.json'),
      '--trtexec',
      '/nonexistent',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[WRONG_FILE_KIND\]: .*found a trtexec --exportProfile JSON/);
  });
});
