import { describe, expect, it } from 'vitest';
import {
  type CliIo,
  createCli,
  jsonOption,
  modelsOption,
  outOption,
  quietOption,
  runCli,
  stackOption,
  verboseOption,
} from '../src/cli/index.js';
import { ExitCode, ToolkitError } from '../src/index.js';

function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

/** A one-command CLI whose handler prints its parsed options, or throws what `fail` names. */
function run(argv: string[], fail?: () => never) {
  const { io, out, err } = captureIo();
  const code = runCli(
    (setExitCode) =>
      createCli('demo', argv).command(
        'go',
        'test command',
        (y) =>
          y.options({
            ...jsonOption(),
            ...outOption('Output file'),
            ...quietOption(),
            ...verboseOption(),
            ...stackOption('Stack', { array: true, choices: ['ort-cpu', 'ort-webgpu'] as const }),
            ...modelsOption('Models folder', { demandOption: true }),
          }),
        (args) => {
          if (fail) fail();
          io.out(
            JSON.stringify({
              json: args.json,
              out: args.out,
              quiet: args.quiet,
              verbose: args.verbose,
              stack: args.stack,
              models: args.models,
            }),
          );
          if (args.quiet) setExitCode(ExitCode.Regression);
        },
      ),
    io,
  );
  return { code, out, err };
}

describe('createCli / runCli with the shared option groups', () => {
  it('parses the short aliases and the array options, and returns the exit code a handler sets', async () => {
    const r = run([
      'go',
      '--models',
      'zoo/',
      '-o',
      'x.json',
      '-q',
      '-v',
      '--json',
      '--stack',
      'ort-cpu',
      '--stack',
      'ort-webgpu',
    ]);
    expect(await r.code).toBe(ExitCode.Regression);
    expect(JSON.parse(r.out[0]!)).toEqual({
      json: true,
      out: 'x.json',
      quiet: true,
      verbose: true,
      stack: ['ort-cpu', 'ort-webgpu'],
      models: 'zoo/',
    });
  });

  it('BAD CALL - a missing demanded option or an unknown choice is a usage error (exit 2)', async () => {
    const missing = run(['go']);
    expect(await missing.code).toBe(ExitCode.Usage);
    expect(missing.err.join('\n')).toMatch(/models/);
    const choice = run(['go', '--models', 'm', '--stack', 'ort-gpu']);
    expect(await choice.code).toBe(ExitCode.Usage);
  });

  it('BAD CALL - a ToolkitError exits with its code and prints its remedy; anything else is an internal error (70)', async () => {
    const typed = run(['go', '--models', 'm'], () => {
      throw new ToolkitError('BROKEN', 'the input is broken', { remedy: 'Fix the input.' });
    });
    expect(await typed.code).toBe(ExitCode.Failure);
    expect(typed.err.join('\n')).toMatch(/error \[BROKEN\]: the input is broken\n {2}Note: Fix the input\./);
    const bug = run(['go', '--models', 'm'], () => {
      throw new TypeError('undefined is not a function');
    });
    expect(await bug.code).toBe(ExitCode.Internal);
    expect(bug.err.join('\n')).toMatch(/internal error/);
  });
});
