import { type CommandIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';

/** `bench list`: the stacks bench knows and whether each can run on this machine. */
export function registerListCommand(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'list',
    'List the stacks and whether each is available here (with a remedy when not)',
    (y) =>
      y
        .options(jsonOption('Print the listing as JSON'))
        .example('$0 list', 'which stacks can run on this machine')
        .example('$0 list --json', 'the same, machine-readable'),
    async (args) => {
      const [{ listStacks }, { formatStackList }] = await Promise.all([
        import('../stacks/registry.js'),
        import('./stack-list-table.js'),
      ]);
      const stacks = await listStacks();
      io.out(args.json ? JSON.stringify(stacks, null, 2) : formatStackList(stacks));
    },
  );
}
