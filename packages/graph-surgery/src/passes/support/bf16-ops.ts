/**
 * Which ONNX ops (default domain) accept bfloat16 for their float tensors, and from which opset: BF16 came to
 * the spec op by op (most at opset 13, a second wave at 14-17, a clean-up adding it to the rest at 22, onnx/onnx
 * #3842 and #6099). An op missing here has no BF16 form the pass relies on: its nodes stay FLOAT behind Casts,
 * which is always valid, only slower.
 */

/** Op type -> first opset whose type constraint for the op's float tensors includes tensor(bfloat16). */
export const BF16_SINCE: Readonly<Record<string, number>> = {
  // Opset 13: arithmetic, reductions, activations, shape and data movement.
  ...Object.fromEntries(
    [
      'Abs',
      'Add',
      'ArgMax',
      'ArgMin',
      'Cast',
      'Ceil',
      'Clip',
      'Concat',
      'Constant',
      'DepthToSpace',
      'Div',
      'Dropout',
      'Equal',
      'Erf',
      'Exp',
      'Expand',
      'Flatten',
      'Floor',
      'Gather',
      'GatherElements',
      'GatherND',
      'Gemm',
      'Greater',
      'Hardmax',
      'Identity',
      'IsNaN',
      'Less',
      'Log',
      'LogSoftmax',
      'MatMul',
      'Max',
      'Mean',
      'Min',
      'Mod',
      'Mul',
      'Neg',
      'NonZero',
      'Pad',
      'Pow',
      'Reciprocal',
      'ReduceL1',
      'ReduceL2',
      'ReduceLogSum',
      'ReduceLogSumExp',
      'ReduceMax',
      'ReduceMean',
      'ReduceMin',
      'ReduceProd',
      'ReduceSum',
      'ReduceSumSquare',
      'Relu',
      'Reshape',
      'Resize',
      'ScatterND',
      'Shape',
      'Sigmoid',
      'Sign',
      'Size',
      'Slice',
      'Softmax',
      'SpaceToDepth',
      'Split',
      'Sqrt',
      'Squeeze',
      'Sub',
      'Sum',
      'Tanh',
      'Tile',
      'Transpose',
      'Unsqueeze',
    ].map((op) => [op, 13]),
  ),
  CastLike: 15,
  CumSum: 14,
  Trilu: 14,
  BatchNormalization: 15,
  GreaterOrEqual: 16,
  LessOrEqual: 16,
  LeakyRelu: 16,
  PRelu: 16,
  Where: 16,
  // Control flow: If/Loop/Scan listed bfloat16 among their value types from opset 16.
  If: 16,
  Loop: 16,
  Scan: 16,
  LayerNormalization: 17,
  ConstantOfShape: 20,
  IsInf: 20,
  Gelu: 20,
  ...Object.fromEntries(
    [
      'AveragePool',
      'Conv',
      'ConvTranspose',
      'Cos',
      'Einsum',
      'Elu',
      'EyeLike',
      'GlobalAveragePool',
      'GlobalMaxPool',
      'HardSigmoid',
      'InstanceNormalization',
      'MaxPool',
      'Round',
      'Selu',
      'Sin',
      'Softplus',
      'Softsign',
    ].map((op) => [op, 22]),
  ),
};

/**
 * Inputs that cannot be BFLOAT16 even where the op computes in BF16: Resize's roi and Dropout's ratio (their
 * type constraints are float16/float/double only).
 */
const NO_BF16_INPUT: Readonly<Record<string, number>> = { Resize: 1, Dropout: 1 };

/** True when the op of `opType` has no BF16 form at `opset`. */
export const lacksBfloat16 = (opType: string, opset: number): boolean => !(opset >= (BF16_SINCE[opType] ?? Infinity));

/** True when input `i` of a node of `opType` must not be BFLOAT16 even though the op computes in BF16. */
export const isNonBfloat16Input = (opType: string, i: number): boolean => NO_BF16_INPUT[opType] === i;
