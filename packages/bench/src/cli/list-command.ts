import { type CliIo, jsonOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { describeBenchProviders } from '../cuda/status.js';
import { ortVersion } from '../stacks/ort/load-ort.js';
import { listStacks } from '../stacks/registry.js';
import { formatStackList, type ListedStack } from './stack-list-table.js';

/** Stacks whose provider libraries do not ship with onnxruntime-node. */
const PROVIDER_STACKS = new Set(['ort-cuda', 'ort-trt']);

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
      const core = await ortVersion();
      const providers = core === undefined ? undefined : await describeBenchProviders(core);
      const stacks: ListedStack[] = (await listStacks()).map((s) =>
        PROVIDER_STACKS.has(s.name) && providers !== undefined && providers.present.length > 0
          ? { ...s, providers }
          : s,
      );
      io.out(args.json ? JSON.stringify(stacks, null, 2) : formatStackList(stacks));
    },
  );
}
