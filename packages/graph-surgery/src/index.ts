export { ExitCode, InternalError, ToolkitError, UsageError } from './errors.js';
