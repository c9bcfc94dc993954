/** The load-time graph edits a runner in a worker thread can make again from their description. */
import { bakeFeatureLayout, bakeMemoryMask } from '@tamkit/graph-surgery';
import type { ModelEdit, PortableEdit } from '../stack-definition.js';

/** The edit a description stands for: graph-surgery's bake with its options bound. */
export function portableEdit(edit: PortableEdit): ModelEdit {
  if (edit.bake === 'memory-mask') {
    return { label: 'memory-mask', apply: (model) => bakeMemoryMask(model).model, portable: edit };
  }
  const { height, width } = edit;
  return {
    label: `feature-layout ${height}x${width}`,
    apply: (model) => bakeFeatureLayout(model, { height, width }).model,
    portable: edit,
  };
}
