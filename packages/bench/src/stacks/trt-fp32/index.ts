import { defineTrtStack } from '../trt/trt-runner.js';

/** `trt-fp32`: see defineTrtStack. */
export const trtFp32Stack = defineTrtStack('trt-fp32', 'fp32');
