/**
 * @deprecated The errors and exit codes moved to `@tamkit/common`; import them from there. This module re-exports
 * them so that code written against the old location keeps compiling, and will be removed.
 */
import * as common from '@tamkit/common';

/** @deprecated Import `ToolkitError` from `@tamkit/common`. */
export const ToolkitError = common.ToolkitError;
/** @deprecated Import `ToolkitError` from `@tamkit/common`. */
export type ToolkitError = common.ToolkitError;
/** @deprecated Import `UsageError` from `@tamkit/common`. */
export const UsageError = common.UsageError;
/** @deprecated Import `UsageError` from `@tamkit/common`. */
export type UsageError = common.UsageError;
/** @deprecated Import `InternalError` from `@tamkit/common`. */
export const InternalError = common.InternalError;
/** @deprecated Import `InternalError` from `@tamkit/common`. */
export type InternalError = common.InternalError;
/** @deprecated Import `ExitCode` from `@tamkit/common`. */
export const ExitCode = common.ExitCode;
/** @deprecated Import `ExitCode` from `@tamkit/common`. */
export type ExitCode = common.ExitCode;
