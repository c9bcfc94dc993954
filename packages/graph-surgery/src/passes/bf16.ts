/**
 * Native BF16 conversion done on the graph, for engines that take precision from the graph's types (TensorRT 11):
 * every FLOAT initializer, Constant, Cast target, value_info and graph I/O becomes BFLOAT16, If/Loop/Scan bodies
 * included, except nodes whose op has no BF16 form at the model's opset (bf16-ops.ts) and blocked nodes, which
 * stay FLOAT behind Casts. BF16 has FP32's exponent range, so nothing overflows; values round to nearest even.
 */
import { DataType, type ModelProto } from '../onnx/types.js';
import { isFloatOnlyInput } from './fp16.js';
import { isNonBfloat16Input, lacksBfloat16 } from './support/bf16-ops.js';
import { tensorToBfloat16 } from './support/fp16-values.js';
import { convertFloatPrecision, type LowPrecisionOptions, type LowPrecisionReport } from './support/low-precision.js';

/** Options of `convertToBfloat16`: keep-io-types and the block lists, as for FP16 (no clamping: nothing overflows). */
export type Bfloat16Options = LowPrecisionOptions;

/** What `convertToBfloat16` did; `floatOnlyNodes` lists the nodes whose op has no BF16 form at the model's opset. */
export type Bfloat16Report = LowPrecisionReport;

/** Converts an FP32 model to native BF16 (the input model is not changed). */
export function convertToBfloat16(
  input: ModelProto,
  options: Bfloat16Options = {},
): { model: ModelProto; report: Bfloat16Report } {
  const { model, report } = convertFloatPrecision(input, options, {
    type: DataType.BFLOAT16,
    keepsFloat: (node, opset) => lacksBfloat16(node.opType ?? '', opset),
    pinnedInput: (node, i) => isFloatOnlyInput(node, i) || isNonBfloat16Input(node.opType ?? '', i),
    convertTensor: (tensor) => ({ tensor: tensorToBfloat16(tensor) }),
  });
  return { model, report };
}
