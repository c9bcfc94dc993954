#!/usr/bin/env node
// Build step of @tamkit/common: yargs and its ~25 modules as one minified ES module (dist/vendor/yargs.js), which
// the CLI plumbing loads through the package's "#yargs" import at run time. Loading one file instead of the
// package tree halves yargs' share of every command's start-up. Tests and type checks use the yargs package
// itself (the "source" and "types" conditions of "#yargs"). The licences of everything bundled are written next
// to the bundle.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { licenceNotices } from './licences.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * yargs measures every help cell with string-width, which walks grapheme clusters with Intl.Segmenter and an
 * emoji regex per character: most of the cost of `--help`. Printable ASCII is one column per character, so such
 * strings get their length straight away; anything else (ANSI escapes, non-ASCII) goes to string-width as before.
 * string-width is also loaded only then: its module builds an Intl.Segmenter and Unicode-property regexes
 * (RGI_Emoji) when evaluated, ~25 ms of every command's start-up that ASCII-only help never needs.
 */
const asciiWidth = {
  name: 'ascii-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await build.resolve('string-width', {
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: { real: true },
      });
      return { path: real.path, namespace: 'ascii-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      // require() of an ES module inside a bundle: esbuild evaluates it on first call, not at start-up.
      contents: `let stringWidth;
export default function width(text, options) {
  if (typeof text === 'string' && /^[\x20-\x7e]*$/.test(text)) return text.length;
  stringWidth ??= require(${JSON.stringify(args.path)}).default;
  return stringWidth(text, options);
}`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/** Bundles yargs into `outfile` and writes `<outfile>.LICENSES.txt`; returns the bundled packages. */
export async function bundleYargs(outfile) {
  const result = await build({
    stdin: { contents: "export { default } from 'yargs';", resolveDir: packageDir, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    metafile: true,
    absWorkingDir: packageDir,
    plugins: [asciiWidth],
    outfile,
    logLevel: 'warning',
  });
  const { text, packages } = licenceNotices(Object.keys(result.metafile.inputs), packageDir);
  writeFileSync(`${outfile}.LICENSES.txt`, text);
  return packages;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await bundleYargs(resolve(process.argv[2] ?? join(packageDir, 'dist', 'vendor', 'yargs.js')));
}
