import { defineTrtStack } from '../trt/trt-runner.js';

/** `trt-bf16`: see defineTrtStack. */
export const trtBf16Stack = defineTrtStack('trt-bf16', 'bf16');
