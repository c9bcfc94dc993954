import type { Availability } from './availability.js';
import type { Runner } from './runner.js';
import type { StackFamily } from './types.js';

/** What the registry knows about a stack: how to probe it and how to make a runner. Nothing loads until used. */
export interface StackDefinition<Options> {
  name: string;
  family: StackFamily;
  /** Whether its runners accept `outputLocation: 'gpu-buffer'` (outputs that stay on the device). */
  deviceOutputs: boolean;
  /**
   * How the stack computes FP16 graphs: `native` (default; GPU providers, TensorRT) or `fp32`, when it widens most
   * FP16 ops to FP32 (ONNX Runtime's CPU provider), so a native FP16 file hides the overflow a GPU would hit and
   * precision searches emulate FP16 storage there instead.
   */
  fp16Compute?: 'native' | 'fp32';
  /** One line for `bench list`. */
  description: string;
  /** Whether the stack can run here; never throws. */
  probe(): Promise<Availability>;
  /** A new, inactive runner. Throws `RangeError` for invalid options; never loads native code. */
  create(options?: Options): Runner;
}
