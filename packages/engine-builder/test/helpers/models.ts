/**
 * Test models: graph-surgery's EfficientTAM-Ti zoo, and small hand-made chains (nominal shapes, not meant to be
 * run) for plumbing tests.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  emptyGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type NodeProto,
  writeModel,
  writeZoo,
} from '@tamkit/graph-surgery';

type Op = [name: string, opType: string];

/** A small chain in the style of the memory encoder's decomposed LayerNorm2d (for cache and CLI plumbing tests). */
export const SMALL_OPS: Op[] = [
  ['/memory_encoder/mask_downsampler/encoder/0/Conv', 'Conv'],
  ['/memory_encoder/fuser/layers.0/norm/ReduceMean', 'ReduceMean'],
  ['/memory_encoder/fuser/layers.0/norm/Sub', 'Sub'],
  ['/memory_encoder/fuser/layers.0/norm/Pow', 'Pow'],
  ['/memory_encoder/fuser/layers.0/norm/Sqrt', 'Sqrt'],
  ['/memory_encoder/fuser/layers.0/act/Mul', 'Mul'],
  ['/memory_encoder/out_proj/Conv', 'Conv'],
];

/** Node list for `ops`: a chain where each node reads the previous node's output (the first reads `input`). */
function chain(ops: Op[], nameOf: (op: Op) => string | undefined): NodeProto[] {
  return ops.map((op, i) => {
    const name = nameOf(op);
    return makeNode({
      opType: op[1],
      inputs: [i === 0 ? 'input' : `t${i - 1}`],
      outputs: [i === ops.length - 1 ? 'output' : `t${i}`],
      ...(name === undefined ? {} : { name }),
    });
  });
}

/** Writes an .onnx file with the given (name, opType) nodes chained; returns its path. */
export async function writeChainModel(
  dir: string,
  file: string,
  ops: Op[],
  nameOf: (op: Op) => string | undefined = (op) => op[0],
): Promise<string> {
  const graph = emptyGraph(file);
  graph.node.push(...chain(ops, nameOf));
  graph.input.push(makeValueInfo('input', DataType.FLOAT, [1, 256, 32, 32]));
  graph.output.push(makeValueInfo('output', DataType.FLOAT, [1, 256, 32, 32]));
  const path = join(dir, file);
  await writeModel(makeModel({ graph }), path);
  return path;
}

/** `y = x * w` with `w` in an external data file (`ext.<hash>.weights`); returns the model and data paths. */
export async function writeExternalDataModel(dir: string): Promise<{ path: string; dataFile: string }> {
  const graph = emptyGraph('g');
  graph.initializer.push(makeTensor('w', DataType.FLOAT, [256], new Float32Array(256).fill(0.5)));
  graph.node.push(makeNode({ name: '/mul', opType: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }));
  graph.input.push(makeValueInfo('x', DataType.FLOAT, [256]));
  graph.output.push(makeValueInfo('y', DataType.FLOAT, [256]));
  const path = join(dir, 'ext.onnx');
  const written = await writeModel(makeModel({ graph }), path, {
    externalData: { location: 'ext.weights', sizeThreshold: 0 },
  });
  return { path, dataFile: join(dir, written.dataFiles[0]!) };
}

/**
 * Writes graph-surgery's EfficientTAM-Ti zoo (random weights, the real export's topology and node names) into a
 * fresh temporary folder; returns module name -> path. `tiny` keeps the topology with small widths and depths.
 */
export async function writeZooModels(size: 'full' | 'tiny' = 'tiny'): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), `engine-builder-zoo-${size}-`));
  const manifest = await writeZoo(dir, { model: 'efficienttam-ti', size });
  return Object.fromEntries(manifest.modules.map((m) => [m.name, join(dir, m.file)]));
}

export async function tempDir(prefix = 'engine-builder-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
