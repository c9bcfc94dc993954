/**
 * Malformed input gives a typed error naming the file and the problem, never a hang, crash or partial output.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { decodeModel, ExitCode, encodeModel, readModel, ToolkitError } from '../src/index.js';
import { attentionModel } from './helpers/graphs.js';
import { hasTestdata, TESTDATA_ROOT, testdataModels } from './helpers/testdata.js';

const work = mkdtempSync(join(tmpdir(), 'tamkit-malformed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A well-formed model to damage: an attention block as PyTorch exports it (no corpus needed). */
const sample = Buffer.from(encodeModel(attentionModel({ form: 'prescaled-qk', norm: 'decomposed' })));

if (!hasTestdata) {
  console.warn(
    `[graph-surgery] skipping the mutation tests over libonnx-testdata: ${TESTDATA_ROOT} is not installed (apt-get install libonnx-testdata, as .ci/run does)`,
  );
}

async function expectToolkitError(path: string, code: string | RegExp, mention: RegExp): Promise<void> {
  const error = await readModel(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ToolkitError);
  expect((error as ToolkitError).code).toMatch(code);
  expect((error as ToolkitError).message).toContain(path);
  expect((error as ToolkitError).message).toMatch(mention);
}

function writeBad(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function quietIo() {
  const err: string[] = [];
  return { io: { out: () => undefined, err: (t: string) => err.push(t) }, err };
}

describe('BAD CALL - malformed model files', () => {
  it('names the file and says it is truncated', async () => {
    await expectToolkitError(
      writeBad('truncated.onnx', sample.subarray(0, sample.length - 7)),
      'ONNX_MALFORMED',
      /past the end|ends in the middle/,
    );
  });

  it('rejects a length prefix past the end of the file', async () => {
    const w = protobuf.Writer.create();
    w.uint32((7 << 3) | 2).uint32(1_000_000); // graph field claiming a megabyte that is not there
    await expectToolkitError(writeBad('length.onnx', w.finish()), 'ONNX_MALFORMED', /runs past the end/);
  });

  it('rejects an absurd declared size without allocating it', async () => {
    const w = protobuf.Writer.create();
    w.uint32((7 << 3) | 2).uint32(0xfffffff0);
    await expectToolkitError(writeBad('absurd.onnx', w.finish()), 'ONNX_MALFORMED', /runs past the end/);
  });

  it('rejects invalid wire types', async () => {
    await expectToolkitError(writeBad('wire.onnx', new Uint8Array([(1 << 3) | 7, 1])), 'ONNX_MALFORMED', /wire type/);
  });

  it('rejects random bytes', async () => {
    let state = 1234567;
    const bytes = new Uint8Array(4096).map(() => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    });
    await expectToolkitError(writeBad('random.bin', bytes), /ONNX_MALFORMED|ONNX_NO_GRAPH/, /.+/);
  });

  it('rejects a directory given as the model', async () => {
    const dir = join(work, 'a-folder.onnx');
    mkdirSync(dir, { recursive: true });
    await expectToolkitError(dir, 'NOT_A_FILE', /directory/);
  });

  it('rejects a model whose external data file is missing', async () => {
    const model = decodeModel(sample);
    model.graph!.initializer.push({
      dims: [2],
      dataType: 1,
      name: 'ext',
      floatData: [],
      int32Data: [],
      stringData: [],
      int64Data: [],
      doubleData: [],
      uint64Data: [],
      metadataProps: [],
      dataLocation: 1,
      externalData: [{ key: 'location', value: 'nowhere.data' }],
    });
    await expectToolkitError(
      writeBad('missing-ext.onnx', encodeModel(model)),
      'ONNX_EXTERNAL_DATA_MISSING',
      /nowhere\.data/,
    );
  });

  it('exits non-zero from the CLI and leaves no output file behind', async () => {
    const bad = writeBad('cli-bad.onnx', sample.subarray(0, 40));
    const out = join(work, 'cli-out');
    mkdirSync(out, { recursive: true });
    const { io, err } = quietIo();
    const code = await main(['convert', bad, '-o', join(out, 'copy.onnx')], io);
    expect(code).toBe(ExitCode.Failure);
    expect(err.join('\n')).toContain('cli-bad.onnx');
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses to write over its input', async () => {
    const good = writeBad('good.onnx', sample);
    const { io, err } = quietIo();
    expect(await main(['convert', good, '-o', good], io)).toBe(ExitCode.Failure);
    expect(err.join('\n')).toMatch(/is the input/);
    expect(Buffer.compare(readFileSync(good), sample)).toBe(0);
  });
});

/** A seeded generator of mutants: bit flips, byte overwrites, truncations, insertions, varint corruption. */
function* mutants(bytes: Uint8Array, seed: number, count: number): Generator<Uint8Array> {
  let s = seed >>> 0;
  const rand = (n: number) => {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    return s % n;
  };
  for (let i = 0; i < count; i++) {
    const m = Uint8Array.from(bytes);
    const kind = rand(5);
    if (kind === 0) m[rand(m.length)]! ^= 1 << rand(8);
    else if (kind === 1) for (let k = 0; k < 1 + rand(4); k++) m[rand(m.length)] = rand(256);
    else if (kind === 2) yield m.subarray(0, rand(m.length));
    else if (kind === 3) {
      const at = rand(m.length);
      yield Uint8Array.from([...m.subarray(0, at), rand(256), rand(256), ...m.subarray(at)]);
      continue;
    } else m[rand(m.length)] = 0x80 | rand(128); // a continuation byte where a varint may end
    if (kind !== 2) yield m;
  }
}

describe.skipIf(!hasTestdata)('mutation test over libonnx-testdata', () => {
  it('either decodes or throws a typed error for five mutants of every corpus model', () => {
    // A fixed amount of work (no time budget): the same mutants are checked on a busy machine as on an idle one.
    const models = testdataModels();
    let decoded = 0;
    let rejected = 0;
    const untyped: string[] = [];
    for (let i = 0; i < models.length; i++) {
      const bytes = readFileSync(models[i]!.model);
      for (const m of mutants(bytes, i + 1, 5)) {
        try {
          decodeModel(m, models[i]!.name);
          decoded++;
        } catch (error) {
          if (error instanceof ToolkitError) rejected++;
          else untyped.push(`${models[i]!.name}: ${String(error)}`);
        }
      }
    }
    expect(untyped).toEqual([]);
    expect(models.length).toBeGreaterThan(1000);
    expect(decoded + rejected).toBe(models.length * 5);
    expect(rejected).toBeGreaterThan(100);
  });

  it('leaves no partial output for mutants that fail through the CLI', async () => {
    const out = join(work, 'mutant-out');
    mkdirSync(out, { recursive: true });
    const bytes = readFileSync(testdataModels()[0]!.model);
    let n = 0;
    for (const m of mutants(bytes, 99, 40)) {
      const path = writeBad(`mutant-${n}.onnx`, m);
      const target = join(out, `copy-${n++}.onnx`);
      const code = await main(['convert', path, '-o', target], quietIo().io);
      expect([ExitCode.Ok, ExitCode.Failure]).toContain(code);
      expect(existsSync(target)).toBe(code === ExitCode.Ok);
    }
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
