/**
 * Derives the message table (message-table.ts) from the ONNX schema with protobufjs's parser. Not loaded at run
 * time: the test of the table and the regeneration command use it (see message-table.ts).
 */
import protobuf from 'protobufjs';
import type { FieldRow, ScalarKind } from './message-specs.js';

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Message full name -> its fields in field-number order (how protobuf's own serialisers write). */
export function deriveMessageTable(schema: string): Record<string, FieldRow[]> {
  const root = protobuf.parse(schema, { keepCase: true }).root;
  root.resolveAll();
  const types: protobuf.Type[] = [];
  const collect = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) types.push(nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collect(nested);
    }
  };
  collect(root);
  const table: Record<string, FieldRow[]> = {};
  for (const type of types) {
    const rows = type.fieldsArray.map((field): FieldRow => {
      const resolved = field.resolvedType;
      const kind =
        resolved instanceof protobuf.Type
          ? 'message'
          : resolved instanceof protobuf.Enum
            ? 'enum'
            : (field.type as ScalarKind);
      const packed = field.repeated && field.packed && kind !== 'message' && kind !== 'string' && kind !== 'bytes';
      return resolved instanceof protobuf.Type
        ? [field.id, camel(field.name), kind, field.repeated, packed, resolved.fullName]
        : [field.id, camel(field.name), kind, field.repeated, packed];
    });
    table[type.fullName] = rows.sort((a, b) => a[0] - b[0]);
  }
  return table;
}

/** The table as the TypeScript source of message-table.ts. */
export function messageTableSource(schema: string): string {
  const table = deriveMessageTable(schema);
  const lines = Object.entries(table).map(
    ([name, rows]) =>
      `  '${name}': [\n${rows.map((r) => `    ${JSON.stringify(r).replace(/"/g, "'")},`).join('\n')}\n  ],`,
  );
  return [
    '// Generated from schema.ts by schema-table.ts; do not edit. Regenerate after changing the schema:',
    '//   node --conditions=source --import tsx -e "import(\'./packages/graph-surgery/src/onnx/schema-table.ts\').then((m) => m.writeMessageTable())"',
    '//   npx biome format --write packages/graph-surgery/src/onnx/message-table.ts',
    "import type { FieldRow } from './message-specs.js';",
    '',
    '/** Message full name -> fields (id, camelCase name, kind, repeated, packed, nested message). */',
    'export const MESSAGE_TABLE: Record<string, readonly FieldRow[]> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

/** Rewrites message-table.ts from schema.ts. */
export async function writeMessageTable(): Promise<void> {
  const [{ writeFile }, { ONNX_SCHEMA }] = await Promise.all([import('node:fs/promises'), import('./schema.js')]);
  await writeFile(new URL('./message-table.ts', import.meta.url), messageTableSource(ONNX_SCHEMA));
}
