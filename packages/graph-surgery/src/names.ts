/**
 * Lists of names that command lines offer as choices (`--precision fp32|fp16|bf16|mixed`), from a module that
 * loads none of the library: a CLI that imports them from here keeps its `--help` and `--version` fast, where the
 * package's main entry point would load every pass, the codec and protobufjs first.
 */
export { PRECISION_MODES, PRECISIONS, type Precision, type PrecisionMode } from './plan/precision.js';
