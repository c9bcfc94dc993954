import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectTrtVersion, queryGpu, resolveTrtexec, runTrtexec } from '../src/index.js';
import { NVIDIA_SMI_DOUBLE, TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { tempDir } from './helpers/models.js';

// Every test here drives the trtexec TEST DOUBLE (test/doubles/trtexec-double.mjs) or the nvidia-smi double:
// they stand in for the real tools at the process boundary and never feed a benchmark or report.
function doubleEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

describe('process plumbing against the trtexec test double', () => {
  it('passes arguments verbatim as an array: spaces, quotes and shell metacharacters reach trtexec unchanged', async () => {
    const dir = await tempDir();
    const argvFile = join(dir, 'argv.jsonl');
    const tricky = ["--layerPrecisions='a:b':fp32", '--onnx=/models/my model;rm -rf ~.onnx', '$(echo pwned)', '`x`|&'];
    await runTrtexec(tricky, { trtexec: TRTEXEC_DOUBLE, env: doubleEnv({ TRTEXEC_DOUBLE_ARGV_FILE: argvFile }) });
    const received = JSON.parse((await readFile(argvFile, 'utf8')).trim());
    expect(received.args).toEqual(tricky);
  });

  it('streams each output line to the callback and keeps the whole output and a log file', async () => {
    const dir = await tempDir();
    const lines: string[] = [];
    const result = await runTrtexec(['--saveEngine=e.plan'], {
      trtexec: TRTEXEC_DOUBLE,
      cwd: dir,
      logPath: join(dir, 'build.log'),
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(lines[0]).toMatch(/^&&&& RUNNING TensorRT.trtexec/);
    expect(lines).toContain('[I] Engine built in 0.1 sec.');
    expect(await readFile(join(dir, 'build.log'), 'utf8')).toBe(result.output);
  });

  it('BAD RUN - a non-zero exit becomes TRTEXEC_FAILED quoting the tail of the log', async () => {
    const error = await runTrtexec(['--onnx=m.onnx'], {
      trtexec: TRTEXEC_DOUBLE,
      env: doubleEnv({ TRTEXEC_DOUBLE_MODE: 'fail' }),
    }).catch((e) => e);
    expect(error.code).toBe('TRTEXEC_FAILED');
    expect(error.message).toMatch(/exited with code 3/);
    expect(error.message).toMatch(/While parsing node number 3 \[Softmax\]/);
    expect(error.exitCode).toBe(1);
  });

  it('BAD RUN - a run past its timeout is stopped and reported as TRTEXEC_TIMEOUT', async () => {
    const started = Date.now();
    const error = await runTrtexec(['--onnx=m.onnx'], {
      trtexec: TRTEXEC_DOUBLE,
      timeoutMs: 300,
      env: doubleEnv({ TRTEXEC_DOUBLE_MODE: 'hang' }),
    }).catch((e) => e);
    expect(error.code).toBe('TRTEXEC_TIMEOUT');
    expect(error.message).toMatch(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('BAD RUN - a missing trtexec says how to install it or point TRTEXEC at it, and maps to exit 4', async () => {
    const error = await runTrtexec(['--help'], { trtexec: '/nonexistent/bin/trtexec' }).catch((e) => e);
    expect(error.code).toBe('EXECUTABLE_NOT_FOUND');
    expect(error.message).toMatch(/"\/nonexistent\/bin\/trtexec" was not found/);
    expect(error.remedy).toMatch(/Install TensorRT .* or set TRTEXEC=\/path\/to\/trtexec/);
    expect(error.exitCode).toBe(4);
  });

  it('finds trtexec from an explicit path, then $TRTEXEC, then PATH', () => {
    expect(resolveTrtexec({ trtexec: '/x/trtexec', env: { TRTEXEC: '/y/trtexec' } })).toBe('/x/trtexec');
    expect(resolveTrtexec({ env: { TRTEXEC: '/y/trtexec' } })).toBe('/y/trtexec');
    expect(resolveTrtexec({ env: {} })).toBe('trtexec');
    // Builds run trtexec inside the cache entry, so a relative path must not be resolved against that.
    expect(resolveTrtexec({ trtexec: 'tools/trtexec', env: {} })).toBe(join(process.cwd(), 'tools/trtexec'));
  });

  it('detects the TensorRT version from the double, through $TRTEXEC', async () => {
    expect(await detectTrtVersion({ env: doubleEnv({ TRTEXEC: TRTEXEC_DOUBLE }) })).toMatchObject({
      major: 10,
      minor: 3,
    });
    expect(
      await detectTrtVersion({ env: doubleEnv({ TRTEXEC: TRTEXEC_DOUBLE, TRTEXEC_DOUBLE_VERSION: '11' }) }),
    ).toMatchObject({ major: 11 });
  });

  it('reads the GPU identity for a device index from the nvidia-smi double', async () => {
    const pciOrder: NodeJS.ProcessEnv = { ...process.env, CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
    delete pciOrder.CUDA_VISIBLE_DEVICES;
    expect(await queryGpu({ nvidiaSmi: NVIDIA_SMI_DOUBLE, device: 1, env: pciOrder })).toEqual({
      name: 'NVIDIA H200',
      computeCapability: '9.0',
      uuid: 'GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      driverVersion: '550.54.15',
    });
    await expect(queryGpu({ nvidiaSmi: NVIDIA_SMI_DOUBLE, device: 5, env: pciOrder })).rejects.toThrow(
      /GPU 5 does not exist \(nvidia-smi lists 2\)/,
    );
    await expect(queryGpu({ nvidiaSmi: '/nonexistent/nvidia-smi' })).rejects.toThrow(/nvidia-smi .*was not found/);
  });
});
