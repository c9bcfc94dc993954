export { createCli, runCli } from './create-cli.js';
export { jsonOption, modelsOption, outOption, quietOption, stackOption, verboseOption } from './options.js';
export { type CliIo, processIo, runMain } from './run-main.js';
