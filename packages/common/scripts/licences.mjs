// Licence notices for what a build step bundles: every npm package an esbuild bundle takes code from must ship its
// licence beside the bundle. Shared by bundle-yargs.mjs and bundle-cli.mjs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder of the npm package a bundled input file belongs to. */
function packageRoot(file) {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  const scoped = parts[at + 1]?.startsWith('@');
  return parts.slice(0, at + (scoped ? 3 : 2)).join('/');
}

/**
 * The notices for an esbuild metafile's inputs (paths relative to `workingDir`): one per npm package taken from
 * node_modules, plus the notices file (`<input>.LICENSES.txt`) of any input that is itself a bundle, such as
 * @tamkit/common's vendored yargs. Returns the notices text ('' when nothing needs one) and the package names.
 */
export function licenceNotices(inputs, workingDir) {
  const files = inputs.map((f) => resolve(workingDir, f.replace(/^[\w-]+:/, '')));
  const roots = [...new Set(files.filter((f) => f.includes('/node_modules/')).map(packageRoot))].sort();
  const notices = roots.map((root) => {
    const { name, version, license } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(root, file), 'utf8').trim() : `(${license}; no licence file shipped)`;
    return `${name}@${version} (${license})\n\n${text}`;
  });
  for (const file of files) {
    if (!file.includes('/node_modules/') && existsSync(`${file}.LICENSES.txt`)) {
      notices.push(readFileSync(`${file}.LICENSES.txt`, 'utf8').trim());
    }
  }
  const text = notices.length ? `${notices.join(`\n\n${'-'.repeat(78)}\n\n`)}\n` : '';
  return { text, packages: roots.map((r) => r.slice(r.lastIndexOf('node_modules/') + 'node_modules/'.length)) };
}
