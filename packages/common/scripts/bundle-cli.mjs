#!/usr/bin/env node
// Build step of a tamkit CLI package (run from the package folder after tsc): its command line as one ES module,
// dist/cli-bundle/index.js, which the bin loads. Node then resolves and reads one file at start-up instead of the
// ~50-160 modules of dist/cli and @tamkit/common, and the code of a command (passes, ONNX codec, ...) sits in chunk
// files that load when that command runs, as the dynamic imports in the command handlers ask. The modules of
// dist/ stay as they are for library users (the package's exports). Only the named @tamkit packages are bundled;
// every other import (protobufjs, onnxruntime-node, node:*) stays a run-time import of the installed package.
//
//   node ../common/scripts/bundle-cli.mjs [@tamkit/common @tamkit/graph-surgery ...]
//
// A package whose CLI imports another @tamkit package's library must bundle @tamkit/common with it or neither:
// two copies of common would mean two ToolkitError classes, and exit codes are chosen by instanceof.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { licenceNotices } from './licences.mjs';

/** The folder the bin imports `index.js` from; the same depth as dist/cli, so `../../package.json` still works. */
export const CLI_BUNDLE_DIR = join('dist', 'cli-bundle');

/**
 * Bundles `<packageDir>/dist/cli/index.js` into `outdir` (default dist/cli-bundle, emptied first), inlining the
 * @tamkit packages named in `inline`. Returns the output files and the npm packages whose code was bundled.
 */
export async function bundleCli({ packageDir, inline = [], outdir = join(packageDir, CLI_BUNDLE_DIR) }) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(packageDir, 'dist', 'cli', 'index.js') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Whitespace only: stack traces of internal errors keep their function names.
    minifyWhitespace: true,
    metafile: true,
    absWorkingDir: packageDir,
    outdir,
    logLevel: 'warning',
    plugins: [externalUnlessInlined(inline)],
  });
  const { text, packages } = licenceNotices(Object.keys(result.metafile.inputs), packageDir);
  if (text) writeFileSync(join(outdir, 'LICENSES.txt'), text);
  return { outputs: Object.keys(result.metafile.outputs), packages };
}

/** Bare imports stay imports unless they name (a subpath of) an inlined package; relative and '#' ones bundle. */
function externalUnlessInlined(inline) {
  return {
    name: 'external-unless-inlined',
    setup(b) {
      b.onResolve({ filter: /^[^./#]/ }, (args) => {
        const inlined = inline.some((name) => args.path === name || args.path.startsWith(`${name}/`));
        return inlined ? undefined : { path: args.path, external: true };
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await bundleCli({ packageDir: process.cwd(), inline: process.argv.slice(2) });
}
