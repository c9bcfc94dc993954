import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectTrtexecKind, inspectEngine, readTrtexecFile } from '../src/index.js';
import { fixture, fixturePath } from './helpers/fixtures.js';
import { tempDir } from './helpers/models.js';
import { parseFailure } from './helpers/parse-errors.js';

describe('detectTrtexecKind', () => {
  it('tells every public fixture kind from its first characters', () => {
    const kinds = {
      'public/trt-10.16.0/run.log': 'summary',
      'public/trt-8.6.0/run-verbose.log': 'summary',
      'public/trt-10.16.1/build-fp16-verbose.log': 'build-log',
      'public/trt-10.16.0/build-plugin-failed.log': 'build-log',
      'public/trt-8.4/tf-resnet-fp32.timing.json': 'times',
      'public/trt-8.4/resnet-fp16.profile.json': 'profile',
      'public/trt-8.4/resnet-fp16.graph.json': 'layers',
      'public/trt-8.6.0/layers-names-only.json': 'layers',
      'trtexec-10/output.json': 'output',
    };
    for (const [file, kind] of Object.entries(kinds))
      expect([file, detectTrtexecKind(fixture(file)).kind]).toEqual([file, kind]);
  });

  it('still recognises a truncated export, and names what it cannot recognise', () => {
    expect(detectTrtexecKind(fixture('public/trt-8.4/resnet-fp16.profile.json').slice(0, 40)).kind).toBe('profile');
    expect(detectTrtexecKind('{"a": 1}')).toEqual({ found: 'JSON that is no trtexec export' });
    expect(detectTrtexecKind('hello')).toEqual({ found: 'text that is not a trtexec log' });
    expect(detectTrtexecKind('  \n')).toEqual({ found: 'an empty file' });
  });
});

describe('readTrtexecFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('engine-builder-files-');
  });

  it('detects and parses each kind, and reads a run log as a build log when asked', async () => {
    const summary = await readTrtexecFile(fixturePath('public/trt-10.16.0/run.log'));
    expect(summary).toMatchObject({ detected: true, parsed: { kind: 'summary', tensorrt: '10.16.0' } });
    const build = await readTrtexecFile(fixturePath('public/trt-10.16.0/run.log'), { kind: 'build-log' });
    expect(build.parsed.kind === 'build-log' && build.parsed.log.outcome).toBe('passed');
    const times = await readTrtexecFile(fixturePath('public/trt-8.4/tf-resnet-fp32.timing.json'));
    expect(times.parsed.kind === 'times' && times.parsed.stats?.enqueueTime).toMatchObject({ unavailable: true });
  });

  it('BAD INPUT - a profile given as layer information is refused naming the file and both kinds', async () => {
    const file = fixturePath('public/trt-8.4/resnet-fp16.profile.json');
    const e = await parseFailure(() => readTrtexecFile(file, { kind: 'layers' }));
    expect(e.code).toBe('WRONG_FILE_KIND');
    expect(e.file).toBe(file);
    expect(e.message).toBe(`${file}: expected a trtexec --exportLayerInfo JSON, found a trtexec --exportProfile JSON`);
  });

  it('BAD INPUT - a build log read as a summary says it has no performance summary', async () => {
    const file = fixturePath('public/trt-10.16.0/build-plugin-failed.log');
    expect((await parseFailure(() => readTrtexecFile(file, { kind: 'summary' }))).message).toBe(
      `${file}: expected a trtexec log with a performance summary, found a trtexec build log: the log has no ` +
        '"=== Performance summary ===" (the run failed, was cut short, or used --skipInference)',
    );
  });

  it('BAD INPUT - an empty file is FILE_EMPTY, whatever kind is asked', async () => {
    const file = join(dir, 'empty.json');
    await writeFile(file, '');
    expect(await parseFailure(() => readTrtexecFile(file))).toMatchObject({
      code: 'FILE_EMPTY',
      file,
      found: 'an empty file',
    });
    const asLayers = await parseFailure(() => readTrtexecFile(file, { kind: 'layers' }));
    expect(asLayers.message).toBe(`${file}: not a valid trtexec --exportLayerInfo JSON: the file is empty`);
  });

  it('reads a file with a UTF-8 byte-order mark (an editor added it; the content is intact)', async () => {
    const file = join(dir, 'bom-layers.json');
    await writeFile(file, `\ufeff${fixture('public/trt-10.16.1/layers-detailed.json')}`);
    const r = await readTrtexecFile(file, { kind: 'layers' });
    expect(r.parsed.kind === 'layers' && r.parsed.info.layers).toHaveLength(9);
  });

  it('BAD INPUT - UTF-16 (what Windows PowerShell 5 redirects write) is UNSUPPORTED_ENCODING with a conversion remedy', async () => {
    const file = join(dir, 'utf16.log');
    const text = fixture('public/trt-10.16.0/run.log');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const e = await parseFailure(() => readTrtexecFile(file));
    expect(e).toMatchObject({ code: 'UNSUPPORTED_ENCODING', found: 'UTF-16 text', file });
    expect(e.remedy).toMatch(/iconv -f UTF-16 -t UTF-8/);
    // Without a byte-order mark too.
    await writeFile(file, Buffer.from(text, 'utf16le'));
    expect((await parseFailure(() => readTrtexecFile(file))).code).toBe('UNSUPPORTED_ENCODING');
  });

  it('BAD INPUT - truncated files name the file and the line', async () => {
    const file = join(dir, 'cut-profile.json');
    const text = fixture('public/trt-8.4/resnet-qat-residual.profile.json');
    await writeFile(file, text.slice(0, text.indexOf('[Shuffle]') + '[Shuffle]'.length));
    const e = await parseFailure(() => readTrtexecFile(file));
    expect(e.message).toMatch(new RegExp(`^${file}:27: not a valid trtexec --exportProfile JSON: `));
    expect(e.line).toBe(27);
  });
});

describe('inspectEngine on files that are not layer information', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('engine-builder-inspect-files-');
  });

  it('BAD INPUT - an empty file, a profile, a log or UTF-16 is refused saying what it is, never sent to trtexec', async () => {
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    const opts = { trtexec: '/nonexistent/trtexec' };
    expect(await parseFailure(() => inspectEngine(empty, opts))).toMatchObject({ code: 'FILE_EMPTY', file: empty });

    const profile = fixturePath('public/trt-8.4/resnet-fp16.profile.json');
    const e = await parseFailure(() => inspectEngine(profile, opts));
    expect(e.message).toMatch(/expected a trtexec --exportLayerInfo JSON, found a trtexec --exportProfile JSON/);
    expect(e.message).toMatch(/`engine-builder parse` reads the other trtexec files/);

    const log = fixturePath('public/trt-10.16.0/build-plugin-failed.log');
    expect((await parseFailure(() => inspectEngine(log, opts))).found).toBe('a trtexec build log');

    const utf16 = join(dir, 'layers-utf16.json');
    const layers = await readFile(fixturePath('public/trt-10.16.1/layers-detailed.json'), 'utf8');
    await writeFile(utf16, Buffer.from(`\ufeff${layers}`, 'utf16le'));
    expect((await parseFailure(() => inspectEngine(utf16, opts))).code).toBe('UNSUPPORTED_ENCODING');
  });

  it('reads layer information with a UTF-8 byte-order mark', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, `\ufeff${fixture('public/trt-8.4/resnet-fp16.graph.json')}`);
    const r = await inspectEngine(file, { pinnedFp32: ['Relu_1'] });
    expect(r.source).toBe('layer-info-file');
    expect(r.report.findings.map((f) => f.layer)).toEqual(['Conv_0 + Relu_1']);
  });
});
