/** Bundles yargs into `outfile` (one minified ES module) and writes `<outfile>.LICENSES.txt`; returns the bundled packages. */
export function bundleYargs(outfile: string): Promise<string[]>;
