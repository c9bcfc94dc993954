/**
 * memory_attention bake: take the current frame's features and their position encoding as the image encoder
 * gives them, [1, C, H, W], and give the conditioned features back as the mask decoder takes them, [1, C, H, W],
 * instead of the exported sequence-first tokens [H*W, 1, C]. The Reshape/Transpose pairs move data only, so
 * outputs are bit-identical; a tracking loop then does no layout transposes of its own (two [C, H*W] transposes
 * per frame on the host, about a millisecond on the GPU machine's CPU).
 */
import { ToolkitError } from '@tamkit/common';
import { makeNode, makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { defaultOpset, isFloat, NodeWriter, recordBake, refuseTwice, signatureOfValue } from './common.js';

export interface FeatureLayoutOptions {
  /** Feature map height and width (H * W must be the token count of the current-frame inputs). */
  height: number;
  width: number;
}

export interface FeatureLayoutReport {
  /** Inputs now taken as [1, C, H, W]. */
  inputs: string[];
  /** Outputs now given as [1, C, H, W]. */
  outputs: string[];
}

function bad(message: string, remedy: string): ToolkitError {
  return new ToolkitError('MODULE_MISMATCH', `bake feature-layout: ${message}`, { remedy });
}

/**
 * Rewrites the rank-3 float inputs with fixed dims [H*W, 1, C] (the current features and their pos-enc; the
 * memory inputs have a free token count and stay) to [1, C, H, W], and the rank-3 float output(s) to [1, C, H, W].
 */
export function bakeFeatureLayout(
  input: ModelProto,
  options: FeatureLayoutOptions,
): { model: ModelProto; report: FeatureLayoutReport } {
  refuseTwice(input, 'feature-layout');
  const { height: h, width: w } = options;
  if (!(Number.isInteger(h) && h > 0 && Number.isInteger(w) && w > 0)) {
    throw new RangeError(`options.height and options.width must be positive integers, got ${h}x${w}`);
  }
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake feature-layout');
  const graph = new Graph(proto);
  const stored = new Set(proto.initializer.map((t) => t.name));
  const tokensInputs = proto.input
    .filter((v) => !stored.has(v.name))
    .map(signatureOfValue)
    .filter((s) => isFloat(s) && s.dims?.length === 3 && s.dims[0] === h * w && s.dims[1] === 1 && s.dims[2]);
  if (tokensInputs.length === 0) {
    throw bad(
      `no input of shape [${h * w}, 1, C] (current-frame tokens of a ${h}x${w} map)`,
      'Pass the memory_attention model and the feature map size of its image encoder.',
    );
  }
  const channels = tokensInputs[0]!.dims![2]!;
  const opset = defaultOpset(model);
  const shapeTokens = (b: NodeWriter) =>
    b.constant('tokens_shape', DataType.INT64, [3], [1n, BigInt(channels), BigInt(h * w)]);
  const report: FeatureLayoutReport = { inputs: [], outputs: [] };
  for (const s of tokensInputs) {
    if (s.dims![2] !== channels)
      throw bad(`"${s.name}" has ${s.dims![2]} channels, another input ${channels}`, 'Check the model.');
    const b = new NodeWriter(graph, opset, `/bake/feature_layout/${s.name}`, 0);
    const tokens = b.op('Transpose', [b.op('Reshape', [s.name, shapeTokens(b)])], { perm: [2, 0, 1] });
    graph.replaceAllUses(s.name, tokens, { except: b.nodes });
    const i = proto.input.findIndex((v) => v.name === s.name);
    proto.input[i] = makeValueInfo(s.name, s.elemType, [1, channels, h, w]);
    report.inputs.push(s.name ?? '');
  }
  const outputs = proto.output.map(signatureOfValue).filter((s) => isFloat(s) && s.dims?.length === 3);
  if (outputs.length === 0) throw bad('no rank-3 float output', 'Pass the memory_attention model.');
  for (const s of outputs) {
    const name = s.name ?? '';
    const internal = graph.uniqueName(`${name}_tokens`);
    graph.replaceAllUses(name, internal, { keepOutputs: true });
    for (const node of proto.node) node.output = node.output.map((o) => (o === name ? internal : o));
    graph.invalidate();
    const b = new NodeWriter(graph, opset, `/bake/feature_layout/${name}`);
    const chw = b.op('Transpose', [internal], { perm: [1, 2, 0] });
    const shape = b.constant('map_shape', DataType.INT64, [4], [1n, BigInt(channels), BigInt(h), BigInt(w)]);
    proto.node.push(
      makeNode({
        opType: 'Reshape',
        name: graph.uniqueName(`/bake/feature_layout/${name}/Reshape_out`),
        inputs: [chw, shape],
        outputs: [name],
      }),
    );
    graph.invalidate();
    const i = proto.output.findIndex((v) => v.name === name);
    proto.output[i] = makeValueInfo(name, s.elemType, [1, channels, h, w]);
    report.outputs.push(name);
  }
  recordBake(model, 'feature-layout');
  return { model, report };
}
