/**
 * Where engine-builder reads models through graph-surgery: ONNX I/O, the graph view plans resolve against, the
 * `auto` pin finders, and the typed model of the TensorRT 11 path (graph-surgery's `planGraphEdits` /
 * `applyPlanEdits`, the same edits that make a plan's model for the ONNX Runtime stacks).
 */
import { dirname, resolve } from 'node:path';
import { InternalError } from '@tamkit/common';
import {
  type AutoPinFinder,
  applyPlanEdits,
  autoPinFinder,
  externalOrigin,
  externalRef,
  type GraphEdit,
  type GraphView,
  graphViewOf,
  type ModelProto,
  readModel,
  resolveExternalPath,
  visitModelTensors,
  writeModel,
} from '@tamkit/graph-surgery';

export { type GraphEdit, graphViewOf, planGraphEdits } from '@tamkit/graph-surgery';

/** TensorProto.DataLocation EXTERNAL (onnx.proto). */
const EXTERNAL = 1;

/** A model loaded for planning: its graph view, external data files, and the auto-pin finder. */
export interface LoadedModel {
  /** The decoded model with its external data, for the graph edits of the TensorRT 11 path (when loaded with data). */
  model?: ModelProto;
  graph: GraphView;
  /** Absolute paths of the external-data files the model references, sorted, without duplicates. */
  externalDataFiles: string[];
  autoPins: AutoPinFinder;
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Read external tensor data into memory (needed only for graph edits). Default true. */
  withData?: boolean;
}

/** Reads an ONNX model and extracts what plans and cache keys need. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const withData = options.withData ?? true;
  const model = await readModel(path, { loadExternalData: withData });
  const external = new Set<string>();
  const modelDir = dirname(resolve(path));
  visitModelTensors(model, (tensor) => {
    // Loaded tensors remember their file; unloaded ones still carry their external_data entries.
    const location = withData
      ? externalOrigin(tensor)
      : tensor.dataLocation === EXTERNAL
        ? externalRef(tensor, path).location
        : undefined;
    if (location) external.add(resolveExternalPath(modelDir, location, path));
  });
  return {
    ...(withData ? { model } : {}),
    graph: graphViewOf(model),
    externalDataFiles: [...external].sort(),
    autoPins: autoPinFinder(model),
  };
}

/** Performs graph edits on a loaded model and writes the typed model to `outPath` (atomically, data embedded). */
export async function applyGraphEdits(
  loaded: LoadedModel,
  edits: readonly GraphEdit[],
  outPath: string,
): Promise<void> {
  if (!loaded.model) throw new InternalError('applyGraphEdits needs a model read by loadModel');
  await writeModel(applyPlanEdits(loaded.model, edits), outPath, { externalData: 'embed' });
}
