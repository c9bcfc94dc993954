#!/usr/bin/env node
// Build step of @tamkit/common: yargs and its ~25 modules as one minified ES module (dist/vendor/yargs.js), which
// the CLI plumbing loads through the package's "#yargs" import at run time. Loading one file instead of the
// package tree halves yargs' share of every command's start-up. Tests and type checks use the yargs package
// itself (the "source" and "types" conditions of "#yargs"). The licences of everything bundled are written next
// to the bundle.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of the npm package a bundled input file belongs to. */
function packageRoot(file) {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  const scoped = parts[at + 1]?.startsWith('@');
  return parts.slice(0, at + (scoped ? 3 : 2)).join('/');
}

/**
 * yargs measures every help cell with string-width, which walks grapheme clusters with Intl.Segmenter and an
 * emoji regex per character: most of the cost of `--help`. Printable ASCII is one column per character, so such
 * strings get their length straight away; anything else (ANSI escapes, non-ASCII) goes to string-width as before.
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
      contents: `import stringWidth from ${JSON.stringify(args.path)};
export default function width(text, options) {
  return typeof text === 'string' && /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text, options);
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
  const roots = [
    ...new Set(
      Object.keys(result.metafile.inputs)
        .map((f) => f.replace(/^ascii-string-width:/, ''))
        .filter((f) => f.includes('node_modules/'))
        .map((f) => packageRoot(resolve(packageDir, f))),
    ),
  ].sort();
  const notices = roots.map((root) => {
    const { name, version, license } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(root, file), 'utf8').trim() : `(${license}; no licence file shipped)`;
    return `${name}@${version} (${license})\n\n${text}`;
  });
  writeFileSync(`${outfile}.LICENSES.txt`, `${notices.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`);
  return roots.map((r) => r.slice(r.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await bundleYargs(resolve(process.argv[2] ?? join(packageDir, 'dist', 'vendor', 'yargs.js')));
}
