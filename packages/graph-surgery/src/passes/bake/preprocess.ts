/**
 * image_encoder bake: take a uint8 RGB frame (H, W, 3) and do in the graph what the Python glue does before
 * the encoder: cast, optional bilinear resize to the encoder's size, /255, (x - mean) / std, HWC -> NCHW.
 */
import { ToolkitError } from '@tamkit/common';
import { makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { isFloat, NodeWriter, recordBake, refuseTwice, requireOpset, signatureOfValue } from './common.js';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface PreprocessOptions {
  /** The image input (default: the float NCHW input with 3 channels). */
  input?: string;
  /** Per-channel mean in 0..1 units (default ImageNet's 0.485, 0.456, 0.406). */
  mean?: readonly number[];
  /** Per-channel standard deviation in 0..1 units (default ImageNet's 0.229, 0.224, 0.225). */
  std?: readonly number[];
  /**
   * Accept frames of any size and resize them (bilinear, half-pixel centres, no antialiasing) to the encoder's
   * size in the graph (default false: the frame must already have the encoder's size).
   */
  resize?: boolean;
}

export interface PreprocessReport {
  input: string;
  /** The new input's declared shape (HWC). */
  frameShape: (number | string)[];
  size: [number, number];
  resize: boolean;
}

export function bakePreprocess(
  input: ModelProto,
  options: PreprocessOptions = {},
): { model: ModelProto; report: PreprocessReport } {
  const uint8 = input.graph?.input.find((v) => v.type?.tensorType?.elemType === DataType.UINT8);
  refuseTwice(input, 'preprocess', uint8 ? `input "${uint8.name}" is already uint8` : undefined);
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake preprocess');
  const opset = requireOpset(model, 'preprocess', 13);
  const images = proto.input
    .map(signatureOfValue)
    .filter((s) => isFloat(s) && s.dims?.length === 4 && s.dims[1] === 3)
    .filter((s) => options.input === undefined || s.name === options.input);
  if (images.length !== 1) {
    throw new ToolkitError(
      options.input ? 'TENSOR_NOT_FOUND' : 'MODULE_MISMATCH',
      options.input
        ? `bake preprocess: no float NCHW 3-channel input named "${options.input}"`
        : `bake preprocess: expected one float NCHW input with 3 channels, found ${images.length}`,
      { remedy: 'Pass the image_encoder model (or name its image input with --input).' },
    );
  }
  const image = images[0]!;
  const [, , h, w] = image.dims!;
  if (!h || !w || image.dims![0] !== 1) {
    throw new ToolkitError(
      'SHAPE_UNKNOWN',
      `bake preprocess: "${image.name}" must be [1, 3, H, W] with fixed H and W`,
      {
        remedy: 'Export the image encoder with a fixed batch of 1 and a fixed input size.',
      },
    );
  }
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  if (mean.length !== 3 || std.length !== 3 || std.some((s) => !(s > 0))) {
    throw new ToolkitError('BAD_OPTION', 'bake preprocess: mean and std need 3 values each, std positive', {
      remedy: 'Give them as --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225.',
    });
  }
  const graph = new Graph(proto);
  const b = new NodeWriter(graph, opset, '/bake/preprocess', 0);
  const resize = options.resize ?? false;
  let x = b.unsqueeze(
    b.op('Transpose', [b.op('Cast', [image.name], { to: DataType.FLOAT })], { perm: [2, 0, 1] }),
    [0],
  );
  if (resize) {
    const sizes = b.constant('sizes', DataType.INT64, [4], [1n, 3n, BigInt(h), BigInt(w)]);
    x = b.op('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  }
  x = b.op('Div', [x, b.constant('255', DataType.FLOAT, [], [255])]);
  x = b.op('Sub', [x, b.constant('mean', DataType.FLOAT, [1, 3, 1, 1], mean)]);
  x = b.op('Div', [x, b.constant('std', DataType.FLOAT, [1, 3, 1, 1], std)]);
  if (image.elemType !== DataType.FLOAT) x = b.op('Cast', [x], { to: image.elemType });
  graph.replaceAllUses(image.name, x, { except: b.nodes });
  const frameShape: (number | string)[] = resize ? ['frame_height', 'frame_width', 3] : [h, w, 3];
  const i = proto.input.findIndex((v) => v.name === image.name);
  proto.input[i] = makeValueInfo(image.name, DataType.UINT8, frameShape);
  recordBake(model, 'preprocess');
  return { model, report: { input: image.name, frameShape, size: [h, w], resize } };
}
