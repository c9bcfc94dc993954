export { type CliIo, type CommandIo, commandIo, displayPath, processIo } from './command-io.js';
export {
  type CliDefinition,
  type CreateCliOptions,
  createCli,
  defineCli,
  packageVersion,
  runCli,
} from './create-cli.js';
export { type DeprecatedFlag, swapSize, withDeprecatedFlags } from './deprecated.js';
export { checkNumber, describeRange, type NumberRange, numberOption, SEED_RANGE } from './numbers.js';
export { jsonOption, modelsOption, outOption, quietOption, stackOption, verboseOption } from './options.js';
export { createProgress, formatDuration, type Progress } from './progress.js';
export { runMain } from './run-main.js';
