/**
 * Ops that a stack is known to fail on in a 16-bit type although the ONNX schema allows it: a kernel missing or
 * broken in that runtime. `fp16` and `bf16` keep these nodes FP32 behind Casts by default, so that the file they
 * write runs everywhere the FP32 original does, and name each one in the report; `convertAll` converts them anyway.
 * Each entry says where it was seen. Add an entry when a stack is seen failing; remove it when the runtime fixes it.
 */
import { getAttribute } from '../../graph/attributes.js';
import { DataType, type NodeProto } from '../../onnx/types.js';
import { LOW_LABEL } from './casts.js';
import type { LowFloatType } from './half-arrays.js';

export interface KnownStackFailure {
  /** The bench stack that fails (`ort-cpu`, `ort-webgpu`, ...). */
  stack: string;
  op: string;
  /** The formats it fails in. */
  formats: readonly ('fp16' | 'bf16')[];
  /** When it fails (all nodes of the op when absent), as text for reports. */
  condition?: string;
  /** Whether `node` (its element types before conversion from `typeOf`, the model's `opset`) is one that fails. */
  matches?: (node: NodeProto, typeOf: (tensor: string) => number | undefined, opset: number) => boolean;
  /** What fails, and where and when it was seen. */
  detail: string;
}

const stringAttribute = (node: NodeProto, name: string) => {
  const s = getAttribute(node, name)?.s;
  return s ? new TextDecoder().decode(s) : undefined;
};

export const KNOWN_STACK_FAILURES: readonly KnownStackFailure[] = [
  {
    stack: 'ort-webgpu',
    op: 'Resize',
    formats: ['fp16'],
    condition: 'mode=cubic',
    matches: (node) => stringAttribute(node, 'mode') === 'cubic',
    detail:
      'onnxruntime-node 1.30 WebGPU fails to run an FP16 cubic Resize (the image_encoder preprocessing bake; seen on the H200, reports/device-h200)',
  },
  {
    stack: 'ort-cpu',
    op: 'EyeLike',
    formats: ['fp16'],
    condition: 'non-float input, float output',
    matches: (node, typeOf) => typeOf(node.input[0] ?? '') !== DataType.FLOAT,
    detail:
      'onnxruntime-node 1.30 CPU has no EyeLike kernel from an integer input to FP16: the session is refused (libonnx-testdata)',
  },
  {
    stack: 'ort-cpu',
    op: 'MeanVarianceNormalization',
    formats: ['fp16', 'bf16'],
    detail:
      'onnxruntime-node 1.30 CPU expands an FP16 MeanVarianceNormalization with FLOAT constants and refuses the session (libonnx-testdata)',
  },
  // ONNX Runtime runs an op it has no kernel for through the op's ONNX function body. Below these opsets the bodies
  // use ops that allow no bfloat16 (Where before 16, NegativeLogLikelihoodLoss before 22), so the expanded graph
  // fails ORT's type check: any runtime that expands functions fails the same way.
  ...(
    [
      ['Clip', 16, 'Where'],
      ['SoftmaxCrossEntropyLoss', 22, 'NegativeLogLikelihoodLoss'],
    ] as const
  ).map(
    ([op, fixed, inner]): KnownStackFailure => ({
      stack: 'ort-cpu',
      op,
      formats: ['bf16'],
      condition: `opset < ${fixed}`,
      matches: (_node, _typeOf, opset) => opset < fixed,
      detail: `onnxruntime-node 1.30 expands a BF16 ${op} through its ONNX function body, whose ${inner} refuses bfloat16 at this opset: the session is refused (libonnx-testdata)`,
    }),
  ),
];

/** The known failures that apply to `node` (element types before conversion from `typeOf`) converted to `type`. */
export function knownFailuresOf(
  node: NodeProto,
  type: LowFloatType,
  typeOf: (tensor: string) => number | undefined,
  opset: number,
): KnownStackFailure[] {
  const format = LOW_LABEL[type];
  return KNOWN_STACK_FAILURES.filter(
    (f) =>
      f.op === node.opType &&
      (node.domain ?? '') === '' &&
      f.formats.includes(format) &&
      (f.matches?.(node, typeOf, opset) ?? true),
  );
}
