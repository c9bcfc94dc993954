import { readFileSync } from 'node:fs';
import yargs, { type Argv } from '#yargs';
import { UsageError } from '../errors.js';
import { type CliIo, type CommandIo, commandIo, processIo } from './command-io.js';
import { rememberArguments } from './deprecated.js';
import { takeCoerceError } from './numbers.js';
import { runMain } from './run-main.js';

/** Options of `createCli`. */
export interface CreateCliOptions {
  /** Where the commands print; `-q` and `-v` set its levels once the arguments are parsed. */
  io?: CommandIo;
  /** What `--version` prints (see `packageVersion`). Default: yargs' guess. */
  version?: string;
}

/**
 * Builds a yargs parser with the behaviour every tamkit CLI shares: strict options, usage errors thrown as
 * `UsageError` (exit 2) instead of yargs exiting the process, `--version`, and the global `-q/--quiet` and
 * `-v/--verbose` every command honours.
 */
export function createCli(scriptName: string, argv: readonly string[], options: CreateCliOptions = {}): Argv {
  const cli = yargs([...argv])
    .scriptName(scriptName)
    .exitProcess(false)
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      global: true,
      describe: 'Print only the result, warnings and errors: no progress, no status lines, no streamed tool output',
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      global: true,
      describe: 'Print more: timings, resolved settings, and what caused an error',
    })
    .middleware((parsed) => {
      if (parsed.quiet && parsed.verbose) throw new UsageError('--quiet and --verbose contradict each other.');
      options.io?.configure({ quiet: parsed.quiet, verbose: parsed.verbose });
    }, true)
    .fail((message, error) => {
      // yargs reports its own usage errors (and errors thrown by an option's coerce, e.g. a number out of
      // range) as YError: the user's mistake, exit 2. Anything else is passed on as it is.
      if (error && error.name !== 'YError') throw error;
      const text = error?.message ?? message;
      throw takeCoerceError(text) ?? new UsageError(text);
    });
  rememberArguments(cli, argv);
  skipHelpCaching(cli);
  return options.version === undefined ? cli : cli.version(options.version);
}

/**
 * yargs renders a command's whole help text after starting its handler, in case an async handler fails and the
 * help is to be shown then. tamkit never shows help on failure, and the rendering (string widths of every help
 * line) costs tens of milliseconds on every command: the start-up budget of `graph-surgery convert`. The test
 * of createCli checks that this hook still exists, so a yargs upgrade that moves it fails there, not silently.
 */
function skipHelpCaching(cli: Argv): void {
  const usage = (cli as unknown as InternalYargs).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/** The part of yargs' internal API `skipHelpCaching` touches. */
export interface InternalYargs {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined };
}

/**
 * `name version` from a package.json (pass `new URL('../../package.json', import.meta.url)` from `src/cli/`),
 * plus the versions of runtime dependencies that decide results (`extra`, e.g. onnxruntime-node).
 */
export function packageVersion(packageJson: URL, extra: readonly string[] = []): string {
  const { name, version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { name: string; version: string };
  return [`${name} ${version}`, ...extra].join(', ');
}

/**
 * Runs a CLI built with `createCli`: parses, lets the command handler do its work, maps errors to exit codes.
 * `build` gets the `CommandIo` to print through; handlers report a non-zero exit code (e.g. "regression
 * detected") through `setExitCode`.
 */
export async function runCli(
  build: (setExitCode: (code: number) => void, io: CommandIo) => Argv,
  io: CliIo | CommandIo = processIo,
): Promise<number> {
  const cio = commandIo(io);
  let code = 0;
  return runMain(async () => {
    const cli = build((c) => {
      code = c;
    }, cio);
    await cli.parseAsync();
    return code;
  }, cio);
}

/** What `defineCli` needs to know about a tamkit CLI. */
export interface CliDefinition {
  /** The binary's name (`graph-surgery`). */
  name: string;
  /** What `--version` prints, computed when the parser is built (see `packageVersion`). */
  version: () => string;
  /** The usage line and blurb of the top-level help. */
  usage?: string;
  /** Rewrites the raw arguments before parsing (for an old spelling that changed type, e.g. `--json FILE`). */
  rewrite?: (argv: readonly string[], io: CommandIo) => string[];
  /** Registers the commands (each in its own module, importing its library code when it runs). */
  commands: (cli: Argv, io: CommandIo, setExitCode: (code: number) => void) => Argv;
}

/**
 * The two entry points every tamkit CLI exports: `buildCli` (the parser, for tests and help) and `main` (what
 * the binary runs: returns the exit code).
 */
export function defineCli(definition: CliDefinition) {
  const buildCli = (argv: readonly string[], io: CliIo | CommandIo, setExitCode: (code: number) => void): Argv => {
    const cio = commandIo(io);
    let cli = createCli(definition.name, definition.rewrite?.(argv, cio) ?? argv, {
      io: cio,
      version: definition.version(),
    });
    if (definition.usage) cli = cli.usage(definition.usage);
    return definition.commands(cli, cio, setExitCode);
  };
  const main = (argv: readonly string[], io: CliIo = processIo): Promise<number> =>
    runCli((setExitCode, cio) => buildCli(argv, cio, setExitCode), io);
  return { buildCli, main };
}
