import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { listStacks } from '../stacks/registry.js';
import { formatStackList } from './stack-list-table.js';

/** `bench list`: the stacks bench knows and whether each can run on this machine. */
export function registerListCommand(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'list',
    'List the stacks and whether each is available here (with a remedy when not)',
    (y) =>
      y
        .options(jsonOption('Print the listing as JSON'))
        .example('$0 list', 'which stacks can run on this machine')
        .example('$0 list --json', 'the same, machine-readable'),
    async (args) => {
      const stacks = await listStacks();
      io.out(args.json ? JSON.stringify(stacks, null, 2) : formatStackList(stacks));
    },
  );
}
