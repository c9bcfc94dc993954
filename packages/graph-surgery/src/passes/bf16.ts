/**
 * Native BF16 conversion done on the graph, for engines that take precision from the graph's types (TensorRT 11):
 * every FLOAT initializer, Constant, Cast target, value_info and graph I/O becomes BFLOAT16, If/Loop/Scan bodies
 * included, except nodes whose op's ONNX schema allows no BF16 at the model's opset and blocked nodes, which
 * stay FLOAT behind Casts. BF16 has FP32's exponent range, so nothing overflows; values round to nearest even.
 */
import { DataType, type ModelProto } from '../onnx/types.js';
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
    convertTensor: (tensor) => ({ tensor: tensorToBfloat16(tensor) }),
  });
  return { model, report };
}
