/**
 * engine-builder against bad input, one table row per attack: the exit code (1 bad input, 2 usage, 4 a tool
 * missing; never 70), what stderr says, and that nothing was written or removed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BadInput, expectBadInput } from '../../common/test/helpers/bad-inputs.js';
import { main } from '../src/cli/index.js';
import { tempDir, writeZooModels } from './helpers/models.js';

const NO_TRTEXEC = ['--trtexec', '/nonexistent/trtexec'];

let models: Record<string, string>;
let dir = '';
let cache = '';
let aFile = '';
let fifo = '';

beforeAll(async () => {
  models = await writeZooModels();
  dir = await tempDir();
  cache = join(dir, 'cache');
  // A cache with one (broken) entry: prune must never remove it on a bad flag.
  await mkdir(join(cache, 'engines', 'a'.repeat(40)), { recursive: true });
  aFile = join(dir, 'a-file');
  await writeFile(aFile, 'x');
  // A FIFO with no writer: opening it for reading the usual way blocks forever.
  fifo = join(dir, 'engine.fifo');
  execFileSync('mkfifo', [fifo]);
});

function rows(): BadInput[] {
  const model = models.mask_decoder!;
  return [
    { name: 'no precision', argv: ['build', model, ...NO_TRTEXEC], code: 2, message: /Give --precision or --plan/ },
    {
      name: 'missing plan file',
      argv: ['build', model, '--plan', join(dir, 'nope.json'), ...NO_TRTEXEC],
      code: 1,
      message: /nope\.json/,
    },
    {
      name: 'negative device',
      argv: ['build', model, '--precision', 'fp16', '--device', '-1', ...NO_TRTEXEC],
      code: 2,
      message: /--device -1: expected a whole number >= 0/,
    },
    {
      name: 'zero timeout',
      argv: ['build', model, '--precision', 'fp16', '--timeout', '0', ...NO_TRTEXEC],
      code: 2,
      message: /--timeout 0: expected a number > 0/,
    },
    {
      name: 'timeout word',
      argv: ['build', model, '--precision', 'fp16', '--timeout', 'soon', ...NO_TRTEXEC],
      code: 2,
      message: /--timeout is not a number/,
    },
    {
      name: 'unknown TensorRT version',
      argv: ['build', model, '--precision', 'fp16', '--trt-version', '12', '--print-command'],
      code: 2,
      message: /Invalid values/,
    },
    {
      name: '--print-command without trtexec names --trt-version',
      argv: ['build', model, '--precision', 'fp16', '--print-command', ...NO_TRTEXEC],
      code: 4,
      message: /EXECUTABLE_NOT_FOUND[\s\S]*add --trt-version 10 or --trt-version 11/,
    },
    {
      name: 'cache folder is a file: refused before any build',
      argv: ['build', model, '--precision', 'fp16', '--cache', aFile, ...NO_TRTEXEC],
      code: 1,
      message: /WRITE_FAILED.*a-file is a file; a folder is written there/,
    },
    {
      name: 'prune with a negative age',
      argv: ['cache', 'prune', '--cache', cache, '--older-than', '-1'],
      code: 2,
      message: /--older-than -1: expected a number >= 0/,
    },
    {
      name: 'prune keeping a negative count',
      argv: ['cache', 'prune', '--cache', cache, '--keep', '-1'],
      code: 2,
      message: /--keep -1: expected a whole number >= 1/,
    },
    {
      name: 'prune keeping zero (say --all)',
      argv: ['cache', 'prune', '--cache', cache, '--keep', '0'],
      code: 2,
      message: /--keep 0[\s\S]*Note: To remove every entry, say --all/,
    },
    {
      name: 'prune keeping a word',
      argv: ['cache', 'prune', '--cache', cache, '--keep', 'abc'],
      code: 2,
      message: /--keep is not a number/,
    },
    { name: 'prune without a rule', argv: ['cache', 'prune', '--cache', cache], code: 2, message: /Say what to prune/ },
    { name: 'inspect a missing engine', argv: ['inspect', join(dir, 'none.plan')], code: 1, message: /none\.plan/ },
    { name: 'inspect a FIFO', argv: ['inspect', fifo], code: 1, message: /NOT_A_FILE.*engine\.fifo.*a FIFO/ },
    { name: 'parse a FIFO', argv: ['parse', fifo], code: 1, message: /NOT_A_FILE.*engine\.fifo.*a FIFO/ },
    { name: 'parse a missing file', argv: ['parse', join(dir, 'none.log')], code: 1, message: /none\.log/ },
    { name: 'quiet and verbose', argv: ['cache', 'ls', '-q', '-v'], code: 2, message: /contradict/ },
  ];
}

describe('engine-builder: bad inputs (table)', () => {
  it('every row exits with its code and message, builds nothing and removes nothing', async () => {
    for (const row of rows()) await expectBadInput(main, row);
    expect(await readdir(join(cache, 'engines'))).toEqual(['a'.repeat(40)]);
    expect(existsSync(join(aFile, 'engines'))).toBe(false);
  });
});
