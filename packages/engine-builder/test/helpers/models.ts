/**
 * Small ONNX models whose node names and op types follow the real EfficientTAM-Ti export (see
 * /work/shared/reference/efficienttam-ti.md), written with graph-surgery. They are for naming and command-line
 * tests only: tensor shapes are nominal and the graphs are not meant to be run.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  emptyGraph,
  makeModel,
  makeNode,
  makeValueInfo,
  type NodeProto,
  writeModel,
} from '@tamkit/graph-surgery';

type Op = [name: string, opType: string];

/** PyTorch 2.x scaled-dot-product attention: pre-scaled q and k, scores MatMul, Softmax, MatMul with v. */
function attention(prefix: string): Op[] {
  return [
    [`${prefix}/q_proj/MatMul`, 'MatMul'],
    [`${prefix}/Mul`, 'Mul'],
    [`${prefix}/Mul_1`, 'Mul'],
    [`${prefix}/MatMul`, 'MatMul'],
    [`${prefix}/Softmax`, 'Softmax'],
    [`${prefix}/MatMul_1`, 'MatMul'],
    [`${prefix}/out_proj/MatMul`, 'MatMul'],
  ];
}

function decomposedLayerNorm(prefix: string): Op[] {
  return [
    [`${prefix}/ReduceMean`, 'ReduceMean'],
    [`${prefix}/Sub`, 'Sub'],
    [`${prefix}/Pow`, 'Pow'],
    [`${prefix}/ReduceMean_1`, 'ReduceMean'],
    [`${prefix}/Add`, 'Add'],
    [`${prefix}/Sqrt`, 'Sqrt'],
    [`${prefix}/Div`, 'Div'],
  ];
}

export const ZOO_OPS: Record<string, Op[]> = {
  image_encoder: [
    ['/image_encoder/trunk/patch_embed/proj/Conv', 'Conv'],
    ...[0, 2].flatMap((b): Op[] => [
      [`/image_encoder/trunk/blocks.${b}/norm1/LayerNormalization`, 'LayerNormalization'],
      ...attention(`/image_encoder/trunk/blocks.${b}/attn`),
      [`/image_encoder/trunk/blocks.${b}/Add`, 'Add'],
      [`/image_encoder/trunk/blocks.${b}/mlp/act/Erf`, 'Erf'],
    ]),
    ['/image_encoder/neck/convs.0/conv_1x1/Conv', 'Conv'],
    ...decomposedLayerNorm('/image_encoder/neck/convs.0/norm'),
  ],
  memory_attention: [0, 1].flatMap((l): Op[] => [
    [`/memory_attention/layers.${l}/norm1/LayerNormalization`, 'LayerNormalization'],
    ...attention(`/memory_attention/layers.${l}/self_attn`),
    [`/memory_attention/layers.${l}/norm2/LayerNormalization`, 'LayerNormalization'],
    ...attention(`/memory_attention/layers.${l}/cross_attn_image`),
    [`/memory_attention/layers.${l}/linear1/MatMul`, 'MatMul'],
    [`/memory_attention/layers.${l}/Relu`, 'Relu'],
  ]),
  mask_decoder: [
    ...attention('/sam_mask_decoder/transformer/layers.0/self_attn'),
    ['/sam_mask_decoder/transformer/layers.0/norm1/LayerNormalization', 'LayerNormalization'],
    ...attention('/sam_mask_decoder/transformer/layers.0/cross_attn_token_to_image'),
    ...attention('/sam_mask_decoder/transformer/final_attn_token_to_image'),
    ['/sam_mask_decoder/output_upscaling/ConvTranspose', 'ConvTranspose'],
  ],
  memory_encoder: [
    ['/memory_encoder/mask_downsampler/encoder.0/Conv', 'Conv'],
    ...decomposedLayerNorm('/memory_encoder/fuser/layers.0/norm'),
    ['/memory_encoder/fuser/layers.0/act/Mul', 'Mul'],
    ['/memory_encoder/out_proj/Conv', 'Conv'],
  ],
};

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

/** Writes the four zoo-like modules into a fresh temporary folder; returns module name -> path. */
export async function writeZooLikeModels(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'engine-builder-zoo-'));
  const paths: Record<string, string> = {};
  for (const [module, ops] of Object.entries(ZOO_OPS))
    paths[module] = await writeChainModel(dir, `${module}.onnx`, ops);
  return paths;
}

export async function tempDir(prefix = 'engine-builder-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
