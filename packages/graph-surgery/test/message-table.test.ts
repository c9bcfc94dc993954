import { describe, expect, it } from 'vitest';
import { MESSAGE_TABLE } from '../src/onnx/message-table.js';
import { ONNX_SCHEMA } from '../src/onnx/schema.js';
import { deriveMessageTable } from '../src/onnx/schema-table.js';

describe('the ONNX message table', () => {
  it('is what protobufjs reads from the schema (regenerate message-table.ts after editing schema.ts)', () => {
    expect(MESSAGE_TABLE).toEqual(deriveMessageTable(ONNX_SCHEMA));
    expect(Object.keys(MESSAGE_TABLE)).toContain('.onnx.ModelProto');
  });
});
