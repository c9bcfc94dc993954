import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBenchReport, readBenchReport } from '../src/index.js';
import { moduleResult, report, sampledModule } from './report-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ToolkitError ? error.code : `not a ToolkitError: ${String(error)}`;
  }
  return undefined;
}

describe('parseBenchReport', () => {
  it('accepts a well-formed report and returns it unchanged', () => {
    const value = report({ modules: [moduleResult('ort-cpu', 'image_encoder', 50)] });
    expect(parseBenchReport(JSON.parse(JSON.stringify(value)))).toEqual(value);
  });

  it('BAD CALL - refuses an unknown schemaVersion, naming the version found and the one it reads', () => {
    const value = { ...report(), schemaVersion: 2 };
    expect(codeOf(() => parseBenchReport(value, 'new.json'))).toBe('REPORT_SCHEMA_VERSION');
    expect(() => parseBenchReport(value, 'new.json')).toThrow(
      'new.json has schemaVersion 2; this bench reads version 1 only',
    );
  });

  it('BAD CALL - refuses JSON of another kind', () => {
    expect(codeOf(() => parseBenchReport({ kind: 'tamkit-eval', schemaVersion: 1 }))).toBe('REPORT_KIND');
    expect(codeOf(() => parseBenchReport([1, 2]))).toBe('REPORT_INVALID');
  });

  it('BAD CALL - names the JSON path of a missing or malformed field', () => {
    const value = report({ modules: [moduleResult('ort-cpu', 'image_encoder', 50)] }) as unknown as {
      modules: { latency: Record<string, unknown> }[];
    };
    value.modules[0]!.latency.p50Ms = 'fast';
    expect(() => parseBenchReport(value, 'r.json')).toThrow(
      'r.json: modules[0].latency.p50Ms must be a finite, non-negative number',
    );
  });
});

describe('readBenchReport', () => {
  it('BAD CALL - refuses malformed raw samples and round indices, naming the sample', () => {
    const value = report({ modules: [sampledModule('image_encoder', [1, 2, 3, 4, 5], 'v1', [0, 0, 1, 1, 2])] });
    expect(parseBenchReport(JSON.parse(JSON.stringify(value)))).toEqual(value);
    const negative = JSON.parse(JSON.stringify(value));
    negative.modules[0].latency.samplesMs[3] = -1;
    expect(() => parseBenchReport(negative, 'r.json')).toThrow('r.json: modules[0].latency.samplesMs[3] must be');
    const short = JSON.parse(JSON.stringify(value));
    short.modules[0].latency.sampleRounds.pop();
    expect(() => parseBenchReport(short, 'r.json')).toThrow('one round index per entry of samplesMs');
    const side = { ...JSON.parse(JSON.stringify(value)), interleaved: { id: 'x', side: 'left' } };
    expect(codeOf(() => parseBenchReport(side))).toBe('REPORT_INVALID');
  });

  it('reads a report file', async () => {
    const path = join(dir, 'r.json');
    await writeFile(path, JSON.stringify(report({ label: 'x' })));
    expect((await readBenchReport(path)).label).toBe('x');
  });

  it('BAD CALL - says the file is missing, with its path', async () => {
    await expect(readBenchReport(join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: no such file/);
  });

  it('BAD CALL - reports a truncated file as invalid JSON', async () => {
    const path = join(dir, 'cut.json');
    await writeFile(path, JSON.stringify(report()).slice(0, 40));
    await expect(readBenchReport(path)).rejects.toMatchObject({ code: 'REPORT_INVALID' });
  });
});
