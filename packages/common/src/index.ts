// What every tamkit package shares. The CLI plumbing (yargs) lives under `@tamkit/common/cli`, so that library
// code importing this entry point does not load a command-line parser.
export { ExitCode, InternalError, ToolkitError, UsageError } from './errors.js';
export {
  assertNotSameFile,
  openRegularFile,
  openRegularFileSync,
  publishTempFile,
  readRangeSync,
  readRegularFile,
  tempPathFor,
  writeFileAtomic,
  writeFilesAtomic,
  writeTempFile,
} from './files.js';
export {
  checkOutputLocation,
  type OutputKind,
  type OutputLocationOptions,
  removeStaleTemps,
  writeError,
} from './output-location.js';
export { deriveSeed, hashString, SeededRandom } from './random.js';
export { median, quantile, quantileSorted } from './stats.js';
export { escapeMarkdown, neutralizeCsvCell } from './text-escape.js';
