/**
 * What the readers accept as input files: only regular files (a FIFO is refused at once rather than hanging), and
 * external tensors of 2 GiB or more (read in chunks; Node refuses a single read that large).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  assertModelFilesReadable,
  DataType,
  ExitCode,
  emptyGraph,
  emptyTensorFields,
  encodeModel,
  makeModel,
  makeNode,
  makeValueInfo,
  readModel,
  ToolkitError,
} from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'tamkit-input-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
if (!hasMkfifo) console.warn('SKIPPED FIFO input tests: no mkfifo on this machine');

/** A model whose one initializer `w` (UINT8, `bytes` long) lives in external file `location`. */
function externalModel(location: string, bytes: number): Uint8Array {
  const graph = emptyGraph('ext');
  graph.input.push(makeValueInfo('x', DataType.UINT8, [1]));
  graph.output.push(makeValueInfo('y', DataType.UINT8, [1]));
  graph.node.push(makeNode({ opType: 'Identity', inputs: ['x'], outputs: ['y'] }));
  graph.initializer.push({
    ...emptyTensorFields(),
    name: 'w',
    dataType: DataType.UINT8,
    dims: [bytes],
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(bytes) },
    ],
  });
  return encodeModel(makeModel({ graph }));
}

function fifo(path: string): string {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
}

describe.skipIf(!hasMkfifo)('BAD CALL - a FIFO given as an input file', () => {
  it('is refused at once as the model file, by the library and the CLI', async () => {
    const path = fifo(join(work, 'model-fifo.onnx'));
    const error = await readModel(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe('NOT_A_FILE');
    expect((error as ToolkitError).message).toMatch(/FIFO/);
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await main(['inspect', path], io)).toBe(ExitCode.Failure);
    expect(await main(['convert', path, '-o', join(work, 'out.onnx')], io)).toBe(ExitCode.Failure);
    expect(err.join('\n')).toMatch(/FIFO \(named pipe\), not a regular file/);
  }, 5_000);

  it('is refused at once as an external data file', async () => {
    const dir = join(work, 'data-fifo');
    mkdirSync(dir);
    fifo(join(dir, 'w.data'));
    writeFileSync(join(dir, 'model.onnx'), externalModel('w.data', 16));
    const error = await readModel(join(dir, 'model.onnx')).catch((e: unknown) => e);
    expect((error as ToolkitError).code).toBe('NOT_A_FILE');
    expect((error as ToolkitError).message).toContain('external data');
    // What runners call before handing a path to ONNX Runtime or trtexec, which would block on the FIFO.
    await expect(assertModelFilesReadable(join(dir, 'model.onnx'))).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  }, 5_000);
});

describe('an external tensor of 2 GiB or more', () => {
  it('reads whole from a sparse file (2 GiB + 16 bytes, marked at both ends)', async () => {
    const dir = join(work, 'big-tensor');
    mkdirSync(dir);
    const bytes = 2 ** 31 + 16;
    const fd = openSync(join(dir, 'big.data'), 'w');
    ftruncateSync(fd, bytes);
    writeSync(fd, Buffer.from('head'), 0, 4, 0);
    writeSync(fd, Buffer.from('tail'), 0, 4, bytes - 4);
    closeSync(fd);
    writeFileSync(join(dir, 'model.onnx'), externalModel('big.data', bytes));
    const raw = (await readModel(join(dir, 'model.onnx'))).graph!.initializer[0]!.rawData!;
    expect(raw.byteLength).toBe(bytes);
    expect(Buffer.from(raw.subarray(0, 4)).toString()).toBe('head');
    expect(Buffer.from(raw.subarray(bytes - 4)).toString()).toBe('tail');
    expect(raw[2 ** 31]).toBe(0);
  }, 60_000);
});
