/**
 * bench against bad input, one table row per attack: the exit code (1 bad input or output location, 2 usage,
 * 4 a stack or tool missing; never 70), what stderr says, and that no report was written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type BadInput, expectBadInput, unwritableFolder } from '../../common/test/helpers/bad-inputs.js';
import { main } from '../src/cli/index.js';
import { ATTENTION_SCORES_MODEL, writeTinyModels } from './helpers/tiny-models.js';
import { report, stackResults } from './report-fixtures.js';

let models: Awaited<ReturnType<typeof writeTinyModels>>;
let dir = '';
let baseline = '';
let current = '';
let aFile = '';
let readOnly: string | undefined;

beforeAll(async () => {
  models = await writeTinyModels({ scores: ATTENTION_SCORES_MODEL });
  dir = join(models.dir, 'scratch');
  await mkdir(dir);
  baseline = join(dir, 'base.json');
  current = join(dir, 'cur.json');
  await writeFile(baseline, JSON.stringify(report({ label: 'a', modules: stackResults('ort-cpu', [10, 20, 3, 4]) })));
  await writeFile(current, JSON.stringify(report({ label: 'b', modules: stackResults('ort-cpu', [10, 20, 3, 4]) })));
  aFile = join(dir, 'a-file');
  await writeFile(aFile, 'x');
  readOnly = await unwritableFolder(dir);
  // The --print-command row needs trtexec to be missing, also on a machine that has TensorRT.
  process.env.TRTEXEC = '/nonexistent/trtexec';
});
const trtexecBefore = process.env.TRTEXEC;
afterAll(() => {
  if (trtexecBefore === undefined) delete process.env.TRTEXEC;
  else process.env.TRTEXEC = trtexecBefore;
  return models.dispose();
});

const quick = ['--iterations', '2', '--warmup', '0', '--profile-runs', '0'];

function rows(): BadInput[] {
  const run = (...flags: string[]) => ['--stack', 'ort-cpu', '--models', models.dir, ...flags];
  const report = join(dir, 'report.json');
  const pipeline = (...flags: string[]) => ['pipeline', '--models', models.dir, '--stack', 'ort-cpu', ...flags];
  const cases: BadInput[] = [
    {
      name: 'zero iterations',
      argv: run('--iterations', '0'),
      code: 2,
      message: /--iterations 0: expected a whole number >= 1/,
    },
    { name: 'negative iterations', argv: run('--iterations', '-1'), code: 2, message: /--iterations -1/ },
    { name: 'iterations word', argv: run('--iterations', 'many'), code: 2, message: /--iterations is not a number/ },
    { name: 'zero time budget', argv: run('--time-ms', '0'), code: 2, message: /--time-ms 0: expected a number > 0/ },
    {
      name: 'negative warm-up',
      argv: run('--warmup', '-1'),
      code: 2,
      message: /--warmup -1: expected a whole number >= 0/,
    },
    {
      name: 'zero threads',
      argv: run('--threads', '0'),
      code: 2,
      message: /--threads 0: expected a whole number >= 1/,
    },
    { name: 'negative seed', argv: run('--seed', '-3'), code: 2, message: /--seed -3/ },
    { name: 'negative profile runs', argv: run('--profile-runs', '-1'), code: 2, message: /--profile-runs -1/ },
    { name: 'unknown stack', argv: ['--stack', 'ort-gpu', '--models', models.dir], code: 2, message: /Invalid values/ },
    { name: 'no stack', argv: ['--models', models.dir], code: 2, message: /Name at least one stack/ },
    {
      name: 'missing models',
      argv: ['--stack', 'ort-cpu', '--models', join(dir, 'none')],
      code: 1,
      message: /BENCH_MODELS_NOT_FOUND/,
    },
    {
      name: 'report path is a folder: refused before measuring',
      argv: run(...quick, '-o', dir),
      code: 1,
      message: /--out .*scratch is a folder; a file is written there/,
    },
    {
      name: 'CSV path runs through a file',
      argv: run(...quick, '--csv', join(aFile, 'x.csv')),
      code: 1,
      message: /--csv .*a part of the path is a file/,
    },
    {
      name: 'an input larger than memory is refused before it is allocated',
      argv: run(...quick, '--shape', 'a:1000000000x8', '-o', report),
      code: 1,
      message: /BENCH_INPUT_TOO_LARGE\]: the inputs would need \d+\.\d GiB[\s\S]*Note: Check the --shape values/,
      writesNothing: [report],
    },
    {
      name: 'a shape naming no input',
      argv: run(...quick, '--shape', 'nope:3x8'),
      code: 2,
      message: /--shape names "nope"/,
    },
    {
      name: 'an unknown shape variant',
      argv: run(...quick, '--shapes', 'original', '--shapes', 'bogus'),
      code: 2,
      message: /Argument: shapes, Given: "bogus", Choices: "original", "pinned", "static"/,
    },
    {
      name: 'a shape variant given twice',
      argv: run(...quick, '--shapes', 'static', '--shapes', 'static', '-o', report),
      code: 2,
      message: /--shapes static is given twice[\s\S]*Note: Name each shape variant once/,
      writesNothing: [report],
    },
    {
      name: 'compare of one report that ran one shape variant',
      argv: ['compare', baseline, '--out', dir],
      code: 2,
      message: /ran one shape variant \(original\): nothing to compare within it[\s\S]*several --shapes/,
    },
    {
      name: 'compare of one report with --interleave',
      argv: ['compare', baseline, '--interleave', '--out', dir],
      code: 2,
      message: /one report compares its own shape variants/,
    },
    {
      name: 'an unknown shape variant to pair',
      argv: ['compare', baseline, current, '--pair-shapes', 'original=fast', '--out', dir],
      code: 2,
      message: /--pair-shapes original=fast: "fast" is no shape variant/,
    },
    {
      name: '--print-command without trtexec names --trt-version',
      argv: ['--stack', 'trt-fp16', '--models', models.dir, '--print-command'],
      code: 4,
      message: /EXECUTABLE_NOT_FOUND[\s\S]*--trt-version 10 or --trt-version 11/,
    },
    {
      name: 'negative threshold',
      argv: ['compare', baseline, current, '--threshold', '-5%'],
      code: 2,
      message: /--threshold -5% is not a relative change/,
    },
    {
      name: 'threshold word',
      argv: ['compare', baseline, current, '--threshold', 'big'],
      code: 2,
      message: /--threshold big/,
    },
    {
      name: 'the removed noise k',
      argv: ['compare', baseline, current, '--noise-k', '-100'],
      code: 2,
      message: /--noise-k was removed/,
    },
    {
      name: 'confidence of 1',
      argv: ['compare', baseline, current, '--confidence', '1'],
      code: 2,
      message: /--confidence 1: expected a number > 0 and < 1/,
    },
    {
      name: 'quantile word',
      argv: ['compare', baseline, current, '--quantile', 'low'],
      code: 2,
      message: /--quantile is not a number/,
    },
    {
      name: 'zero rounds',
      argv: ['compare', baseline, current, '--interleave', '--rounds', '0'],
      code: 2,
      message: /--rounds 0: expected a whole number >= 1/,
    },
    {
      name: 'negative max drift',
      argv: ['compare', baseline, current, '--max-drift', '-3%'],
      code: 2,
      message: /max-drift -3%/,
    },
    {
      name: 'profile with zero iterations',
      argv: ['profile', '--stack', 'ort-cpu', '--models', models.dir, '--iterations', '0'],
      code: 2,
      message: /--iterations 0: expected a whole number >= 1/,
    },
    {
      name: 'profile report path is a folder',
      argv: ['profile', '--stack', 'ort-cpu', '--models', models.dir, '-o', dir],
      code: 1,
      message: /is a folder; a file is written there/,
    },
    {
      name: 'compare into a file',
      argv: ['compare', baseline, current, '--out', aFile],
      code: 1,
      message: /a-file is a file; a folder is written there/,
    },
    {
      name: 'missing baseline',
      argv: ['compare', join(dir, 'none.json'), current, '--out', dir],
      code: 1,
      message: /none\.json/,
    },
    {
      name: 'zero frames',
      argv: pipeline('--frames', '0'),
      code: 2,
      message: /--frames 0: expected a whole number >= 1/,
    },
    {
      name: 'negative warm-up frames',
      argv: pipeline('--warmup-frames', '-1'),
      code: 2,
      message: /--warmup-frames -1/,
    },
    {
      name: 'negative isolated runs',
      argv: pipeline('--isolated-iterations', '-2'),
      code: 2,
      message: /--isolated-iterations -2/,
    },
    {
      name: 'bad video size',
      argv: pipeline('--video-size', '8x8'),
      code: 2,
      message: /--video-size 8x8: expected WxH of at least 16x16/,
    },
    {
      name: 'pipeline report path is a folder',
      argv: pipeline('--frames', '1', '-o', dir),
      code: 1,
      message: /is a folder; a file is written there/,
    },
    { name: 'quiet and verbose', argv: ['list', '-q', '-v'], code: 2, message: /contradict/ },
  ];
  if (readOnly) {
    cases.push({
      name: 'report in a folder nobody may write',
      argv: run(...quick, '-o', join(readOnly, 'r.json')),
      code: 1,
      message: /cannot write .*r\.json/,
    });
  } else console.warn('the read-only row is skipped: no unwritable folder here (root without /sys)');
  return cases;
}

describe('bench: bad inputs (table)', () => {
  it('every row exits with its code and message, writes nothing, and never reports an internal error', async () => {
    for (const row of rows()) await expectBadInput(main, row);
  });
});
