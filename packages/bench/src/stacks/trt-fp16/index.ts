import { defineTrtStack } from '../trt/trt-runner.js';

/** `trt-fp16`: see defineTrtStack. */
export const trtFp16Stack = defineTrtStack('trt-fp16', 'fp16');
