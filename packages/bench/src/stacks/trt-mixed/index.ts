import { defineTrtStack } from '../trt/trt-runner.js';

/** `trt-mixed`: see defineTrtStack. */
export const trtMixedStack = defineTrtStack('trt-mixed', 'mixed');
