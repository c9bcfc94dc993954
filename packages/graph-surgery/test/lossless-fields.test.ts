/** Fields that onnx-proto (ONNX 1.10) does not know survive a round trip unchanged. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataType,
  decodeModel,
  emptyGraph,
  emptyTensorFields,
  encodeModel,
  type ModelProto,
  makeModel,
  makeNode,
  makeValueInfo,
  readModel,
  readTensorValues,
  writeModel,
} from '../src/index.js';
import { semanticDiff } from './helpers/semantic-diff.js';

const work = mkdtempSync(join(tmpdir(), 'tamkit-lossless-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Wire bytes of a field with a number no ONNX version uses (999), varint and length-delimited. */
function unknownField(): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((999 << 3) | 0).uint32(42);
  w.uint32((1000 << 3) | 2).string('from the future');
  return w.finish();
}

function handBuiltModel(): ModelProto {
  const graph = emptyGraph('lossless');
  graph.input.push(makeValueInfo('x', DataType.FLOAT, [2, 'batch']));
  graph.output.push(makeValueInfo('y', DataType.FLOAT, [2, 'batch']));
  const relu = makeNode({ opType: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu' });
  relu.metadataProps.push({ key: 'source', value: 'model.py:12' });
  graph.node.push(relu);
  graph.metadataProps.push({ key: 'graph-note', value: 'kept' });
  graph.initializer.push({
    ...emptyTensorFields(),
    name: 'f8',
    dataType: DataType.FLOAT8E4M3FN,
    dims: [4],
    rawData: new Uint8Array([0x38, 0x40, 0x7e, 0xff]),
  });
  graph.initializer.push({
    ...emptyTensorFields(),
    name: 'i4',
    dataType: DataType.INT4,
    dims: [3],
    rawData: new Uint8Array([0x21, 0x0f]),
  });
  graph.initializer.push({
    ...emptyTensorFields(),
    name: 'big',
    dataType: DataType.INT64,
    dims: [2],
    int64Data: [9223372036854775807n, -9007199254740993n],
  });
  const model = makeModel({ graph, irVersion: 11, opset: 21 });
  model.$unknown = [unknownField()];
  relu.$unknown = [unknownField()];
  model.functions.push({
    name: 'MyFn',
    domain: 'custom',
    input: ['a'],
    output: ['b'],
    attribute: [],
    attributeProto: [],
    node: [makeNode({ opType: 'Neg', inputs: ['a'], outputs: ['b'] })],
    opsetImport: [{ domain: '', version: 21 }],
    valueInfo: [],
    metadataProps: [{ key: 'fn', value: 'meta' }],
  });
  graph.sparseInitializer.push({
    values: { ...emptyTensorFields(), name: 'sp', dataType: DataType.FLOAT, dims: [2], floatData: [1.5, -2] },
    indices: { ...emptyTensorFields(), name: 'sp_idx', dataType: DataType.INT64, dims: [2], int64Data: [1, 3] },
    dims: [4],
  });
  return model;
}

describe('lossless round trip of fields onnx-proto does not know', () => {
  it('keeps node and graph metadata_props, float8 and int4 tensors, functions, sparse initializers and unknown fields', async () => {
    const model = handBuiltModel();
    const path = join(work, 'hand.onnx');
    await writeModel(model, path);
    const back = await readModel(path);
    expect(semanticDiff(model, back)).toBeUndefined();
    expect(back.graph!.node[0]!.metadataProps).toEqual([{ key: 'source', value: 'model.py:12' }]);
    expect(Buffer.concat(back.$unknown!.map((u) => Buffer.from(u))).toString('hex')).toBe(
      Buffer.from(unknownField()).toString('hex'),
    );
    // Saving the reloaded model again gives the same bytes: nothing drifts over repeated round trips.
    const again = join(work, 'hand2.onnx');
    await writeModel(back, again);
    expect(Buffer.compare(readFileSync(path), readFileSync(again))).toBe(0);
  });

  it('reads int64 values beyond 2^53 as bigint without rounding', async () => {
    const back = decodeModel(encodeModel(handBuiltModel()));
    const big = back.graph!.initializer.find((t) => t.name === 'big')!;
    expect(big.int64Data).toEqual([9223372036854775807n, -9007199254740993n]);
    expect(Array.from(readTensorValues(big) as BigInt64Array)).toEqual([9223372036854775807n, -9007199254740993n]);
  });

  it('writes strings as protobufjs does: ASCII, accented, emoji, CJK, and long names', () => {
    const names = ['relu', 'café/Relu', '🚀 encoder', '漢字', 'a'.repeat(63), `${'b'.repeat(70)}é`, 'x'.repeat(300)];
    const model = handBuiltModel();
    for (const [i, name] of names.entries()) {
      model.graph!.node.push(makeNode({ opType: 'Identity', inputs: ['y'], outputs: [`o${i}`], name }));
    }
    const bytes = encodeModel(model);
    expect(decodeModel(bytes).graph!.node.map((n) => n.name)).toEqual(['relu', ...names]);
    // protobufjs's own writer encodes each name field to the same bytes (NodeProto.name is field 3, wire type 2).
    for (const name of names) {
      const reference = Buffer.from(
        protobuf.Writer.create()
          .uint32((3 << 3) | 2)
          .string(name)
          .finish(),
      );
      expect(Buffer.from(bytes).includes(reference), name).toBe(true);
    }
  });

  it('keeps a known field number sent with an unexpected wire type as an unknown field', () => {
    const w = protobuf.Writer.create();
    // ModelProto.ir_version (field 1) is a varint; send it length-delimited instead.
    w.uint32((1 << 3) | 2).string('odd');
    const graphBytes = encodeModel(handBuiltModel());
    const bytes = Buffer.concat([Buffer.from(w.finish()), Buffer.from(graphBytes)]);
    const model = decodeModel(bytes);
    // The odd ir_version plus the two unknown fields the hand-built model carries.
    expect(model.$unknown?.length).toBe(3);
    expect(model.irVersion).toBe(11);
    const reencoded = decodeModel(encodeModel(model));
    expect(semanticDiff(model, reencoded)).toBeUndefined();
  });
});
