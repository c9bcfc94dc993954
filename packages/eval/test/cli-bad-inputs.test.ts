/**
 * track-eval against bad input, one table row per attack: the exit code (1 bad input or output location, 2
 * usage; never 70), what stderr says, and that nothing was written. Omissions that are not errors (a sequence
 * folder without ground truth) are counted, printed warnings.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BadInput, expectBadInput, unwritableFolder } from '../../common/test/helpers/bad-inputs.js';
import { main } from '../src/cli/index.js';
import { captureIo, tempDir, writeSequence } from './helpers.js';

let dir = '';
let root = '';
let results = '';
let zoo = '';
let aFile = '';
let readOnly: string | undefined;

beforeAll(async () => {
  dir = await tempDir('eval-bad-');
  root = join(dir, 'lasot');
  results = join(dir, 'results');
  await mkdir(results);
  for (const name of ['cat-1', 'cat-2']) {
    await writeSequence(root, name, [
      [10, 10, 20, 20],
      [11, 10, 20, 20],
      [12, 10, 20, 20],
    ]);
    await copyFile(join(root, 'cat', name, 'groundtruth.txt'), join(results, `${name}.txt`));
  }
  zoo = join(dir, 'zoo');
  await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 3 });
  aFile = join(dir, 'a-file');
  await writeFile(aFile, 'x');
  readOnly = await unwritableFolder(dir);
});

function rows(): BadInput[] {
  const score = (...flags: string[]) => ['score', '--root', root, '--results', results, ...flags];
  const never = join(dir, 'never');
  const cases: BadInput[] = [
    {
      name: 'score without a root',
      argv: ['score', '--results', results],
      code: 2,
      message: /Missing required argument: root/,
    },
    {
      name: 'score of a missing root',
      argv: ['score', '--root', join(dir, 'x'), '--results', results],
      code: 1,
      message: /DATASET_NOT_FOUND/,
    },
    {
      name: 'score of missing results',
      argv: ['score', '--root', root, '--results', join(dir, 'x')],
      code: 1,
      message: /RESULTS_NOT_FOUND/,
    },
    { name: 'unknown convention', argv: score('--convention', 'otb'), code: 2, message: /Invalid values/ },
    {
      name: 'score report path is a folder: refused before scoring',
      argv: score('--out', dir),
      code: 1,
      message: /--out .* is a folder; a file is written there/,
    },
    {
      name: 'lasot with zero threads',
      argv: ['lasot', '--root', root, '--models', zoo, '--stack', 'ort-cpu', '--threads', '0'],
      code: 2,
      message: /--threads 0/,
    },
    {
      name: 'lasot shard beyond the set',
      argv: ['lasot', '--root', root, '--models', zoo, '--stack', 'ort-cpu', '--shard', '3/2'],
      code: 2,
      message: /--shard "3\/2" is not i\/n/,
    },
    {
      name: 'lasot results folder is a file: refused before tracking',
      argv: ['lasot', '--root', root, '--models', zoo, '--stack', 'ort-cpu', '--out', aFile],
      code: 1,
      message: /a-file is a file; a folder is written there/,
    },
    {
      name: 'merge of one shard of two',
      argv: ['merge', join(dir, 'shard-1'), '-o', never],
      code: 1,
      message: /MERGE_INCOMPLETE.*shard 2\/2[\s\S]*--allow-incomplete/,
      writesNothing: [never],
    },
    { name: 'merge into a file', argv: ['merge', results, '-o', aFile], code: 1, message: /a-file is a file/ },
    {
      name: 'report of a missing score',
      argv: ['report', '--score', join(dir, 'none.json'), '-o', never],
      code: 1,
      message: /none\.json/,
      writesNothing: [never],
    },
    {
      name: 'report into a file',
      argv: ['report', '--score', join(dir, 'none.json'), '-o', aFile],
      code: 1,
      message: /a-file is a file/,
    },
    {
      name: 'synth of zero sequences',
      argv: ['synth', '-o', never, '--count', '0'],
      code: 2,
      message: /--count 0: expected a whole number >= 1/,
      writesNothing: [never],
    },
    {
      name: 'synth negative frames',
      argv: ['synth', '-o', never, '--frames', '-1'],
      code: 2,
      message: /--frames -1/,
      writesNothing: [never],
    },
    {
      name: 'synth tiny frames',
      argv: ['synth', '-o', never, '--video-size', '8x8'],
      code: 2,
      message: /--video-size 8x8: expected WxH with both sides >= 16/,
      writesNothing: [never],
    },
    {
      name: 'synth old count spelling, bad value',
      argv: ['synth', '-o', never, '--sequences', '0'],
      code: 2,
      message: /--sequences 0: expected/,
      writesNothing: [never],
    },
    {
      name: 'synth into a file',
      argv: ['synth', '-o', aFile, '--count', '1', '--frames', '1'],
      code: 1,
      message: /a-file is a file/,
    },
    {
      name: 'fidelity negative frames',
      argv: ['fidelity', '--models', zoo, '--stack', 'ort-cpu', '--reference-stack', 'ort-cpu', '--frames', '-1'],
      code: 2,
      message: /--frames -1/,
    },
    {
      name: 'fidelity negative iterations',
      argv: ['fidelity', '--models', zoo, '--stack', 'ort-cpu', '--reference-stack', 'ort-cpu', '--iterations', '-1'],
      code: 2,
      message: /--iterations -1/,
    },
    {
      name: 'fidelity report path is a folder: refused before any run',
      argv: ['fidelity', '--models', zoo, '--stack', 'ort-cpu', '--reference-stack', 'ort-cpu', '--out', dir],
      code: 1,
      message: /is a folder; a file is written there/,
    },
    {
      name: 'bisect zero tolerance',
      argv: ['bisect', '--models', zoo, '--stack', 'ort-cpu', '--tolerance', '0'],
      code: 2,
      message: /--tolerance 0: expected a number > 0/,
    },
    {
      name: 'bisect negative tolerance',
      argv: ['bisect', '--models', zoo, '--stack', 'ort-cpu', '--tolerance', '-5'],
      code: 2,
      message: /--tolerance -5/,
    },
    {
      name: 'bisect cosine above 1',
      argv: ['bisect', '--models', zoo, '--stack', 'ort-cpu', '--min-cosine', '2'],
      code: 2,
      message: /--min-cosine 2: expected a number >= -1 and <= 1/,
    },
    {
      name: 'bisect plan folder is a file: refused before any evaluation',
      argv: ['bisect', '--models', zoo, '--stack', 'ort-cpu', '--plan-dir', aFile],
      code: 1,
      message: /--plan-dir .*a-file is a file/,
    },
    {
      name: 'bisect plan file in a folder that is a file',
      argv: ['bisect', '--models', zoo, '--stack', 'ort-cpu', '--plan-out', join(aFile, 'p.json')],
      code: 1,
      message: /--plan-out .*a part of the path is a file/,
    },
    {
      name: 'old and new spelling together',
      argv: [
        'fidelity',
        '--models',
        zoo,
        '--stack',
        'ort-cpu',
        '--reference',
        'ort-cpu',
        '--reference-stack',
        'ort-cpu',
      ],
      code: 2,
      message: /--reference and --reference-stack say the same thing/,
    },
  ];
  if (readOnly) {
    cases.push({
      name: 'score report in a folder nobody may write',
      argv: score('--out', join(readOnly, 's.json')),
      code: 1,
      message: /cannot write .*s\.json/,
    });
  } else console.warn('the read-only row is skipped: no unwritable folder here (root without /sys)');
  return cases;
}

describe('track-eval: bad inputs (table)', () => {
  it('every row exits with its code and message, writes nothing, and never reports an internal error', async () => {
    // One shard of a set of two, for the merge row.
    const shard = join(dir, 'shard-1');
    await mkdir(shard);
    await copyFile(join(results, 'cat-1.txt'), join(shard, 'cat-1.txt'));
    await writeFile(
      join(shard, 'run-shard-1-of-2.json'),
      JSON.stringify({
        kind: 'tamkit-lasot-run',
        schemaVersion: 1,
        label: 'x',
        datasetRoot: root,
        shard: { index: 1, count: 2 },
        sequences: [{ name: 'cat-1', frames: 3, status: 'tracked', trackMs: 5 }],
      }),
    );
    for (const row of rows()) await expectBadInput(main, row);
  });

  it('score warns, counted, about a sequence folder without groundtruth.txt and a result naming no sequence', async () => {
    await mkdir(join(root, 'cat', 'cat-3', 'img'), { recursive: true });
    await writeFile(join(results, 'dog-9.txt'), '1,1,2,2\n');
    const io = captureIo();
    expect(await main(['score', '--root', root, '--results', results, '--json', '-q'], io)).toBe(0);
    expect(io.stderr).toEqual([
      expect.stringMatching(/^warning: 1 sequence folder\(s\) without groundtruth\.txt were not scored: cat\/cat-3$/),
      expect.stringMatching(/^warning: 1 result file\(s\) name no sequence of the dataset: dog-9\.txt$/),
    ]);
    expect(JSON.parse(io.stdout.join('')).leftOut).toEqual({
      withoutGroundTruth: ['cat/cat-3'],
      resultsWithoutSequence: ['dog-9.txt'],
    });
  });

  it('bisect of a folder without image_encoder works on generated inputs and says so (was exit 70)', async () => {
    const only = join(dir, 'decoder-only');
    await mkdir(only);
    await copyFile(join(zoo, 'mask_decoder.onnx'), join(only, 'mask_decoder.onnx'));
    const io = captureIo();
    expect(
      await main(['bisect', '--models', only, '--stack', 'ort-cpu', '--iterations', '1', '--json', '-q'], io),
    ).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report.modules.map((m: { module: string }) => m.module)).toEqual(['mask_decoder']);
    expect(report.notes).toContainEqual(expect.stringMatching(/^mask_decoder: seeded generated values/));
  });
});
