/** The error for symbolic input dims left unbound. */
import { ToolkitError } from '@tamkit/common';

/** `unbound`: dim name (or `input[axis]` for an unnamed dim) -> the inputs that have it. */
export function unboundError(unbound: ReadonlyMap<string, string[]>): ToolkitError {
  const list = [...unbound].map(([dim, inputs]) => `${dim} (${[...new Set(inputs)].join(', ')})`);
  const named = [...unbound.keys()].filter((d) => !d.includes('['));
  const example = named.length ? `--dim ${named[0]}=N` : `--shape ${[...unbound.values()][0]![0]}=D0,D1,...`;
  return new ToolkitError('SPECIALIZE_UNBOUND', `specialize: input dims left unbound: ${list.join('; ')}`, {
    remedy: `Bind every symbolic dim (e.g. ${example}), or pass --partial to fold only what the bound dims decide.`,
  });
}
