import { main } from '../../src/cli/index.js';

/** Runs the `bench` CLI in process and returns its exit code and what it printed on stdout and stderr. */
export async function bench(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
