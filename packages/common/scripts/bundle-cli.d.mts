/** The folder, relative to a package, that `bundleCli` writes by default. */
export const CLI_BUNDLE_DIR: string;
/**
 * Bundles `<packageDir>/dist/cli/index.js` into `outdir` (default dist/cli-bundle, emptied first), inlining the
 * packages named in `inline`. Returns the output files and the npm packages whose code was bundled.
 */
export function bundleCli(options: {
  packageDir: string;
  inline?: readonly string[];
  outdir?: string;
}): Promise<{ outputs: string[]; packages: string[] }>;
/** The wrap widths whose `--help` start.js serves. */
export const SERVED_WIDTHS: readonly number[];
/** What `main(argv)` of a bundle prints on stdout with stdout `columns` wide (undefined: a pipe). */
export function printedBy(entry: string, argv: readonly string[], columns: number | undefined, cwd: string): string;
/** Writes start.js alone, in front of the unbundled dist/cli/index.js (`version: false`: --version runs the parser). */
export function serveOnly(options: { packageDir: string; outdir?: string; version?: boolean }): void;
