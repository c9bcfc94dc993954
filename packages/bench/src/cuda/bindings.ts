/**
 * Every onnxruntime-node package of an install. A project can hold several (pnpm keeps one per version and peer
 * set under node_modules/.pnpm, npm nests copies, a deploy folder has its own), and each binding loads provider
 * libraries only from its own directory, so the installer must reach them all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { bindingDirOf, ortPackageDir } from '../stacks/ort/ort-package.js';

/** One onnxruntime-node package with a native binding for this platform. */
export interface OrtBinding {
  /** The package directory. */
  packageDir: string;
  /** Its binding directory, where provider libraries go. */
  bindingDir: string;
  version: string;
}

function readBinding(packageDir: string): OrtBinding | undefined {
  const bindingDir = bindingDirOf(packageDir);
  if (!existsSync(join(bindingDir, 'onnxruntime_binding.node'))) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return pkg.name === 'onnxruntime-node' ? { packageDir, bindingDir, version: pkg.version ?? 'unknown' } : undefined;
  } catch {
    return undefined;
  }
}

/** Real (not symlinked) subdirectories of a folder. */
function realDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Packages inside one node_modules folder, scoped ones and pnpm's store layout included, recursively. */
function walkNodeModules(nodeModules: string, found: Map<string, OrtBinding>): void {
  for (const entry of realDirs(nodeModules)) {
    const name = entry.slice(nodeModules.length + 1);
    if (name === '.pnpm') {
      for (const store of realDirs(entry)) walkNodeModules(join(store, 'node_modules'), found);
    } else if (name.startsWith('@')) {
      for (const scoped of realDirs(entry)) walkNodeModules(join(scoped, 'node_modules'), found);
    } else {
      if (name === 'onnxruntime-node') {
        const binding = readBinding(entry);
        if (binding) found.set(entry, binding);
      }
      walkNodeModules(join(entry, 'node_modules'), found);
    }
  }
}

/**
 * The onnxruntime-node packages under `root`: every node_modules tree in it (the root's and those of workspace
 * folders up to three levels down), symbolic links not followed, so each real package is found once.
 */
export function findOrtBindings(root: string): OrtBinding[] {
  const found = new Map<string, OrtBinding>();
  const visit = (dir: string, depth: number) => {
    for (const sub of realDirs(dir)) {
      const name = sub.slice(dir.length + 1);
      if (name === 'node_modules') walkNodeModules(sub, found);
      else if (depth > 0 && !name.startsWith('.') && name !== 'dist') visit(sub, depth - 1);
    }
  };
  visit(root, 3);
  return [...found.values()].sort((a, b) => a.packageDir.localeCompare(b.packageDir));
}

/**
 * The install bench runs from: the folder above the outermost node_modules holding the onnxruntime-node it loads
 * (the workspace root under pnpm, the application folder under npm).
 */
export function defaultInstallRoot(): string | undefined {
  const dir = ortPackageDir();
  if (dir === undefined) return undefined;
  const at = dir.indexOf(`${sep}node_modules${sep}`);
  return at < 0 ? dirname(dir) : dir.slice(0, at);
}
