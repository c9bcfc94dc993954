import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticImportGraph } from '../../common/test/helpers/import-graph.js';

const src = join(__dirname, '..', 'src');

describe('graph-surgery start-up', () => {
  it('loads only the parser, the command modules and small leaf lists of names: passes load when a command runs', () => {
    const { files, packages } = staticImportGraph(join(src, 'cli', 'index.ts'));
    const own = [...files].filter((f) => f.startsWith(src)).map((f) => relative(src, f));
    const library = own.filter((f) => !f.startsWith('cli/'));
    expect(library.sort()).toEqual([
      'onnx/types.ts',
      'passes/fuse/fusion-names.ts',
      'patterns/pattern-names.ts',
      'tracker-modules.ts',
      'zoo/zoo-models.ts',
    ]);
    expect(own).toContain('cli/convert.ts');
    // @tamkit/common's CLI plumbing (yargs, bundled: '#yargs') and its small file helpers; no ONNX, no protobufjs.
    expect([...packages].filter((p) => !p.startsWith('node:')).sort()).toEqual(['#yargs']);
  });
});
