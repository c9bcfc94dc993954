import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers/fixtures.js';

const PUBLIC = join(FIXTURES, 'public');
const NOT_FIXTURES = new Set(['README.md', 'LICENSE-Apache-2.0.txt', 'NOTICE-TensorRT.txt']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('public trtexec fixtures', () => {
  const fixtures = files(PUBLIC).filter((f) => !f.endsWith('.source.json') && !NOT_FIXTURES.has(relative(PUBLIC, f)));

  it('each has a sidecar naming its repository, commit, TensorRT version, licence and whether it was trimmed', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
    for (const file of fixtures) {
      const source = JSON.parse(readFileSync(`${file}.source.json`, 'utf8'));
      expect(source.file, file).toBe(file.split('/').pop());
      expect(source.commit, file).toMatch(/^[0-9a-f]{40}$/);
      expect(source.url, file).toBe(`https://github.com/${source.repository}/blob/${source.commit}/${source.path}`);
      expect(source.tensorrt, file).toMatch(/^\d+\.\d+/);
      expect(source.versionEvidence, file).toBeTruthy();
      expect(source.licence, file).toMatch(/^Apache-2\.0/);
      expect(source.modified, file).toMatch(/^(unmodified|trimmed: kept lines )/);
      expect(source.writtenBy, file).toMatch(/not written by tamkit/);
    }
  });
});
