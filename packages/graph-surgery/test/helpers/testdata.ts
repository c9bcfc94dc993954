/** Debian's libonnx-testdata: the ONNX backend test models (installed by .ci/run). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const TESTDATA_ROOT = '/usr/share/libonnx-testdata/data';

export const hasTestdata = existsSync(TESTDATA_ROOT);

/** Every model.onnx under the corpus, sorted, with its folder. */
export function testdataModels(): { name: string; dir: string; model: string }[] {
  if (!hasTestdata) return [];
  const out: { name: string; dir: string; model: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'model.onnx') out.push({ name: dir.slice(TESTDATA_ROOT.length + 1), dir, model: path });
    }
  };
  walk(TESTDATA_ROOT);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
