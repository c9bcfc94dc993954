/**
 * @deprecated The CLI plumbing moved to `@tamkit/common/cli`; import it from there. This entry point re-exports
 * it so that code written against the old location keeps compiling, and will be removed.
 */
export { type CliIo, createCli, processIo, runCli, runMain } from '@tamkit/common/cli';
