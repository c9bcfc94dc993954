export { createCli, runCli } from './create-cli.js';
export { type CliIo, processIo, runMain } from './run-main.js';
