/** The options of one `track-eval lasot` run, as a job for a scheduler repeats them on every task. */
export interface LasotJobOptions {
  /** How the job starts track-eval (program and leading arguments). Default `['track-eval']`. */
  program?: readonly string[];
  /** LaSOT root (absolute: tasks may start in another folder). */
  root: string;
  models: string;
  stack: string;
  /** Results folder shared by every shard: each writes its own sequences and its own manifest. */
  out: string;
  sequences?: readonly string[];
  split?: string;
  convention?: string;
  kalman?: boolean;
  threads?: number;
  /** `false` passes `--no-resume`. Default `true`: a requeued task skips the sequences it finished. */
  resume?: boolean;
}

/** The argv of a `track-eval lasot` run without its shard, the part every task and every rerun shares. */
export function lasotArgv(options: LasotJobOptions): string[] {
  const argv = [...(options.program ?? ['track-eval']), 'lasot', '--root', options.root, '--models', options.models];
  argv.push('--stack', options.stack, '--out', options.out);
  if (options.sequences?.length) argv.push('--sequences', ...options.sequences);
  if (options.split !== undefined) argv.push('--split', options.split);
  if (options.convention !== undefined) argv.push('--convention', options.convention);
  if (options.kalman) argv.push('--kalman');
  if (options.threads !== undefined) argv.push('--threads', String(options.threads));
  if (options.resume === false) argv.push('--no-resume');
  return argv;
}

/** One word for a POSIX shell: left bare when it is only safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line for a POSIX shell. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
