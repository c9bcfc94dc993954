import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  type CliIo,
  type CommandIo,
  createCli,
  jsonOption,
  modelsOption,
  numberOption,
  outOption,
  packageVersion,
  runCli,
  stackOption,
  swapSize,
  withDeprecatedFlags,
} from '../src/cli/index.js';
import { ExitCode, ToolkitError } from '../src/index.js';

function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

/** A one-command CLI whose handler prints its parsed options, or runs `body` with the command's io. */
async function run(argv: string[], body?: (io: CommandIo) => void | Promise<void>) {
  const { io, out, err } = captureIo();
  const code = await runCli(
    (setExitCode, cio) =>
      createCli('demo', argv, { io: cio, version: 'demo 1.2.3' }).command(
        'go',
        'test command',
        (y) =>
          withDeprecatedFlags(
            y.options({
              ...jsonOption(),
              ...outOption('Output file'),
              ...stackOption('Stack', { array: true, choices: ['ort-cpu', 'ort-webgpu'] as const }),
              ...modelsOption('Models folder', { demandOption: true }),
              ...numberOption('keep', 'Entries to keep', { integer: true, min: 1 }),
              ...numberOption('ratio', 'A ratio', { above: 0, max: 1 }, { default: 0.5 }),
              'video-size': { type: 'string', describe: 'WxH' },
            }),
            cio,
            [
              { flag: 'output', replacement: 'out' },
              { flag: 'model-dir', replacement: 'models' },
              { flag: 'frame-size', replacement: 'video-size', convert: swapSize, hint: '--video-size WxH' },
            ],
            { out: ['o'] },
          ),
        async (args) => {
          if (body) return body(cio);
          io.out(
            JSON.stringify({
              json: args.json,
              out: args.out,
              stack: args.stack,
              models: args.models,
              keep: args.keep,
              ratio: args.ratio,
              videoSize: args.videoSize,
            }),
          );
          if (args.json) setExitCode(ExitCode.Regression);
        },
      ),
    io,
  );
  return { code, out, err, parsed: out[0]?.startsWith('{') ? JSON.parse(out[0]) : undefined };
}

describe('createCli / runCli with the shared option groups', () => {
  it('parses the short aliases and the array options, and returns the exit code a handler sets', async () => {
    const r = await run([
      'go',
      '--models',
      'zoo/',
      '-o',
      'x.json',
      '--json',
      '--stack',
      'ort-cpu',
      '--stack',
      'ort-webgpu',
    ]);
    expect(r.code).toBe(ExitCode.Regression);
    expect(r.parsed).toMatchObject({ json: true, out: 'x.json', stack: ['ort-cpu', 'ort-webgpu'], models: 'zoo/' });
  });

  it('BAD CALL - a missing demanded option or an unknown choice is a usage error (exit 2)', async () => {
    const missing = await run(['go']);
    expect(missing.code).toBe(ExitCode.Usage);
    expect(missing.err.join('\n')).toMatch(/models/);
    const choice = await run(['go', '--models', 'm', '--stack', 'ort-gpu']);
    expect(choice.code).toBe(ExitCode.Usage);
  });

  it('BAD CALL - a ToolkitError exits with its code and prints its remedy; anything else is an internal error (70)', async () => {
    const typed = await run(['go', '--models', 'm'], () => {
      throw new ToolkitError('BROKEN', 'the input is broken', { remedy: 'Fix the input.' });
    });
    expect(typed.code).toBe(ExitCode.Failure);
    expect(typed.err.join('\n')).toMatch(/error \[BROKEN\]: the input is broken\n {2}Note: Fix the input\./);
    const bug = await run(['go', '--models', 'm'], () => {
      throw new TypeError('undefined is not a function');
    });
    expect(bug.code).toBe(ExitCode.Internal);
    expect(bug.err.join('\n')).toMatch(/internal error/);
  });

  it('--version prints what the CLI was given; packageVersion reads name and version from package.json', async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')));
    try {
      expect((await run(['--version'])).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual(['demo 1.2.3']);
    const own = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(packageVersion(new URL('../package.json', import.meta.url), ['onnxruntime-node 9.9.9'])).toBe(
      `@tamkit/common ${own.version}, onnxruntime-node 9.9.9`,
    );
  });
});

describe('-q/--quiet and -v/--verbose, honoured through CommandIo', () => {
  const talk = (io: CommandIo) => {
    io.out('result');
    io.info('status');
    io.debug('detail');
    io.warn('careful');
    io.wrote('some/file.onnx');
    const p = io.progress('work', 2);
    p.update(1);
    p.update(2);
    p.finish();
  };

  it('prints the result, status, progress and warnings by default, detail only with -v', async () => {
    const normal = await run(['go', '--models', 'm'], talk);
    expect(normal.out).toEqual(['result']);
    expect(normal.err.join('\n')).toMatch(/status/);
    expect(normal.err.join('\n')).toMatch(/warning: careful/);
    expect(normal.err.join('\n')).toMatch(/wrote some\/file\.onnx/);
    expect(normal.err.join('\n')).toMatch(/work \[#+\] 2\/2 100%/);
    expect(normal.err.join('\n')).not.toMatch(/detail/);
    const verbose = await run(['go', '--models', 'm', '-v'], talk);
    expect(verbose.err.join('\n')).toMatch(/detail/);
  });

  it('-q keeps only the result and the warnings', async () => {
    const quiet = await run(['go', '--models', 'm', '-q'], talk);
    expect(quiet.out).toEqual(['result']);
    expect(quiet.err).toEqual(['warning: careful']);
  });

  it('with -v a typed error also shows what caused it', async () => {
    const fail = () => {
      throw new ToolkitError('WRAPPED', 'outer failure', { cause: new Error('inner reason') });
    };
    expect((await run(['go', '--models', 'm'], fail)).err.join('\n')).not.toMatch(/inner reason/);
    expect((await run(['go', '--models', 'm', '--verbose'], fail)).err.join('\n')).toMatch(/caused by: .*inner reason/);
  });

  it('BAD CALL - -q and -v together are a usage error', async () => {
    const r = await run(['go', '--models', 'm', '-q', '-v']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err.join('\n')).toMatch(/--quiet and --verbose contradict/);
  });
});

describe('deprecated flag spellings', () => {
  it('an old spelling still works, moves its value to the new flag and prints a one-line note', async () => {
    const r = await run(['go', '--model-dir', 'zoo/', '--output', 'a.json', '--frame-size', '720x1280']);
    expect(r.code).toBe(0);
    expect(r.parsed).toMatchObject({ models: 'zoo/', out: 'a.json', videoSize: '1280x720' });
    const notes = r.err.filter((l) => l.startsWith('note: '));
    expect(notes).toEqual([
      'note: --output is deprecated and will be removed in the next release; use --out',
      'note: --model-dir is deprecated and will be removed in the next release; use --models',
      'note: --frame-size is deprecated and will be removed in the next release; use --video-size WxH',
    ]);
  });

  it('the note shows even with -q; old spellings are not in --help', async () => {
    const r = await run(['go', '--model-dir', 'zoo/', '-q']);
    expect(r.err).toEqual(['note: --model-dir is deprecated and will be removed in the next release; use --models']);
    const help = await createCli('demo', [])
      .command('go', 'x', (y) =>
        withDeprecatedFlags(y, { configure() {} } as unknown as CommandIo, [{ flag: 'old', replacement: 'new' }]),
      )
      .getHelp();
    expect(help).not.toMatch(/--old/);
  });

  it('BAD CALL - the old and the new spelling together are a usage error, whichever comes first', async () => {
    for (const argv of [
      ['go', '--models', 'm', '--output', 'a', '-o', 'b'],
      ['go', '--models', 'm', '--out=b', '--output', 'a'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(ExitCode.Usage);
      expect(r.err.join('\n')).toMatch(/--output and --out say the same thing/);
    }
  });
});

describe('numberOption: one validator for numeric flags', () => {
  const bad: [string[], RegExp][] = [
    [['--keep', '-1'], /--keep -1: expected a whole number >= 1/],
    [['--keep', '0'], /--keep 0: expected a whole number >= 1/],
    [['--keep', 'abc'], /--keep is not a number: expected a whole number >= 1/],
    [['--keep', '2.5'], /--keep 2\.5: expected a whole number/],
    [['--ratio', '0'], /--ratio 0: expected a number > 0 and <= 1/],
    [['--ratio', '-5'], /--ratio -5: expected a number > 0 and <= 1/],
    [['--ratio', '1e9'], /--ratio 1000000000: expected/],
  ];
  it.each(bad)('BAD CALL - %j is a usage error naming the flag and the range', async (flags, message) => {
    const r = await run(['go', '--models', 'm', ...flags]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err.join('\n')).toMatch(message);
  });

  it('accepts values in range, keeps defaults, and leaves an absent flag without default undefined', async () => {
    expect((await run(['go', '--models', 'm', '--keep', '3', '--ratio', '1'])).parsed).toMatchObject({
      keep: 3,
      ratio: 1,
    });
    const defaults = (await run(['go', '--models', 'm'])).parsed;
    expect(defaults.ratio).toBe(0.5);
    expect(defaults.keep).toBeUndefined();
  });
});

describe('start-up cost', () => {
  it("skips yargs' help rendering after a handler starts: the hook it replaces still exists in this yargs", () => {
    const cli = createCli('demo', ['go']).command('go', 'x', () => undefined);
    type Usage = { cacheHelpMessage(): void; hasCachedHelpMessage(): boolean };
    const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): Usage } })
      .getInternalMethods()
      .getUsageInstance();
    usage.cacheHelpMessage();
    expect(usage.hasCachedHelpMessage()).toBe(false);
  });
});
