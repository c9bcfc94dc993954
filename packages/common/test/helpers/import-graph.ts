/**
 * The modules a file loads when it is imported: its static runtime imports, followed through relative paths
 * and the tamkit packages (to their TypeScript sources), never through `import()` calls or `import type`. With
 * verbatimModuleSyntax every other import declaration stays in the emitted JavaScript, so this is what Node
 * loads at start-up.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packagesRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `@tamkit/<pkg>[/sub]` to its source entry file (the `source` condition of the package's exports). */
function tamkitSource(specifier: string): string {
  const [, pkg, sub] = /^@tamkit\/([^/]+)(?:\/(.+))?$/.exec(specifier)!;
  const packageDir = join(packagesRoot, pkg!);
  const { exports } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, { source: string }>;
  };
  return join(packageDir, exports[sub ? `./${sub}` : '.']!.source);
}

function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

/** Source files (absolute) and external packages reached from `entry` by static runtime imports. */
export function staticImportGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (specifier.startsWith('@tamkit/')) visit(tamkitSource(specifier));
      else packages.add(specifier);
    }
  };
  visit(resolve(entry));
  return { files, packages };
}
