import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectEngine, timeEngine } from '../src/index.js';
import { fixturePath, TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { tempDir } from './helpers/models.js';

// timeEngine and inspectEngine drive the trtexec TEST DOUBLE here: it replays recorded fixture output, so these
// tests check the plumbing and parsing only. Its numbers are fixture text and never feed a benchmark or report.
const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...extra });

describe('timeEngine', () => {
  it('runs trtexec on the engine and returns the parsed summary and every exported iteration', async () => {
    const timing = await timeEngine('/engines/k/engine.plan', {
      trtexec: TRTEXEC_DOUBLE,
      percentiles: [90, 95, 99],
      env: env({
        TRTEXEC_DOUBLE_RUN_LOG: fixturePath('trtexec-10/run.log'),
        TRTEXEC_DOUBLE_TIMES: fixturePath('trtexec-10/times.json'),
      }),
    });
    expect(timing.command).toMatch(
      /--loadEngine=\/engines\/k\/engine.plan --percentile=90,95,99 --exportTimes=\S+times.json$/,
    );
    expect(timing.summary.gpuComputeTime.median).toBe(0.169983);
    expect(timing.iterations).toHaveLength(4);
  });

  it('BAD RUN - a run that printed no summary fails with the parser error, not a crash', async () => {
    await expect(
      timeEngine('/engines/k/engine.plan', {
        trtexec: TRTEXEC_DOUBLE,
        env: env({ TRTEXEC_DOUBLE_TIMES: fixturePath('trtexec-10/times.json') }),
      }),
    ).rejects.toThrow(/no "=== Performance summary ===" block/);
  });
});

describe('inspectEngine', () => {
  it('reads a layer-information JSON directly and checks it against the given pins', async () => {
    const result = await inspectEngine(fixturePath('trtexec-10/layers-detailed.json'), {
      pinnedFp32: ['/image_encoder/trunk/blocks.0/attn/Softmax'],
    });
    expect(result.source).toBe('layer-info-file');
    expect(result.report.findings.map((f) => f.layer)).toEqual(['_gemm_mha_v2_myl3_5']);
  });

  it('asks trtexec to export the layer information of a bare engine file', async () => {
    const dir = await tempDir();
    const engine = join(dir, 'engine.plan');
    await writeFile(engine, Buffer.from([0x66, 0x74, 0x72, 0x74, 0, 1, 2]));
    const result = await inspectEngine(engine, {
      trtexec: TRTEXEC_DOUBLE,
      env: env({ TRTEXEC_DOUBLE_LAYER_INFO: fixturePath('trtexec-11/layers-detailed.json') }),
    });
    expect(result.source).toBe('trtexec');
    expect(result.info.ioTensors.map((t) => t.name)).toEqual(['image', 'vision_features']);
  });

  it('BAD INPUT - a missing file is a clear error', async () => {
    await expect(inspectEngine('/nonexistent/engine.plan')).rejects.toThrow(/\/nonexistent\/engine.plan: no such file/);
  });
});
