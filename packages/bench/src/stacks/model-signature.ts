import { assertModelFilesReadable } from '@tamkit/graph-surgery';
import { loadOrt, ortSessionSeverity } from './ort/load-ort.js';
import type { TensorInfo } from './types.js';

/**
 * Reads a model's declared inputs and outputs without running it, through an unoptimised ONNX Runtime CPU
 * session (stacks that do not run in this process, like trtexec, still need them to generate inputs).
 */
export async function readModelSignature(modelPath: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  await assertModelFilesReadable(modelPath);
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: ortSessionSeverity(),
  });
  try {
    const toInfo = (m: (typeof session.inputMetadata)[number]): TensorInfo[] =>
      m.isTensor
        ? [{ name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' ? d : String(d))) }]
        : [];
    return { inputs: session.inputMetadata.flatMap(toInfo), outputs: session.outputMetadata.flatMap(toInfo) };
  } finally {
    await session.release();
  }
}
