import { ExitCode } from '@tamkit/common';
import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { TRTEXEC_FILE_KINDS, type TrtexecFileKind } from '../parsers/errors.js';
import { readTrtexecFile } from '../trtexec-file.js';
import { renderParsed } from './render-parsed.js';

export function registerParseCommand(cli: Argv, io: CliIo, setExitCode: (code: number) => void): Argv {
  return cli.command(
    'parse <file>',
    'Read any trtexec output (log, --exportTimes, --exportProfile, --exportLayerInfo, --exportOutput): says what it is and what it holds',
    (y) =>
      y
        .options(jsonOption())
        .positional('file', { type: 'string', demandOption: true, describe: 'A trtexec log or export file' })
        .option('kind', {
          choices: ['auto', ...TRTEXEC_FILE_KINDS] as const,
          default: 'auto' as const,
          describe:
            'Read the file as this kind (auto: detect). summary = run log with a performance summary, build-log = any trtexec log',
        })
        .example('$0 parse run.log', 'Throughput, latency percentiles and trtexec warnings of a timing run')
        .example('$0 parse build.log --kind build-log --json', 'Build outcome, tactic per layer and errors, as JSON')
        .example('$0 parse profile.json', 'Per-layer times of --exportProfile, slowest first')
        .example('$0 parse layers.json --json', 'Layer information with each layer precision and ONNX nodes')
        .epilogue(
          'Exit codes: 0 parsed; 1 the file is broken (empty, truncated, UTF-16, another kind than --kind) or is the log of a failed or unfinished build; 2 usage.',
        ),
    async (argv) => {
      const kind = argv.kind as TrtexecFileKind | 'auto';
      const result = await readTrtexecFile(argv.file, { kind });
      if (argv.json)
        io.out(JSON.stringify({ file: result.file, detected: result.detected, ...result.parsed }, null, 2));
      else io.out(renderParsed(result));
      if (result.parsed.kind === 'build-log' && ['failed', 'unfinished'].includes(result.parsed.log.outcome)) {
        setExitCode(ExitCode.Failure);
      }
    },
  );
}
