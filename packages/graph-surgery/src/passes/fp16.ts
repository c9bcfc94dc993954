/**
 * Native FP16 conversion done on the graph: what `model.half()` before export would give. Every FLOAT
 * initializer, Constant, Cast target, float-hard-coding attribute, value_info and graph I/O becomes FLOAT16, If/
 * Loop/Scan bodies included; blocked nodes stay FLOAT behind Casts. The shared work is in low-precision.ts.
 */
import { DataType, type ModelProto } from '../onnx/types.js';
import type { OutOfRangeValues } from './support/fp16-values.js';
import { tensorToFloat16 } from './support/fp16-values.js';
import { convertFloatPrecision, type LowPrecisionOptions, type LowPrecisionReport } from './support/low-precision.js';

export interface Float16Options extends LowPrecisionOptions {
  /** Clamp initializer and Constant values beyond ±65504 to ±65504 (default false: they are reported and become ±Inf). */
  clampInitializers?: boolean;
}

export interface Float16Report extends LowPrecisionReport {
  /** Stored tensors with values outside the FP16 range (clamped only when `clampInitializers`). */
  outOfRange: OutOfRangeValues[];
  clamped: boolean;
}

/** Converts an FP32 model to native FP16 (the input model is not changed). */
export function convertToFloat16(
  input: ModelProto,
  options: Float16Options = {},
): { model: ModelProto; report: Float16Report } {
  const clamp = options.clampInitializers ?? false;
  const { model, report, notes } = convertFloatPrecision(input, options, {
    type: DataType.FLOAT16,
    convertTensor: (tensor) => {
      const { tensor: converted, outOfRange } = tensorToFloat16(tensor, clamp);
      return { tensor: converted, note: outOfRange };
    },
  });
  return { model, report: { ...report, outOfRange: notes as OutOfRangeValues[], clamped: clamp } };
}
