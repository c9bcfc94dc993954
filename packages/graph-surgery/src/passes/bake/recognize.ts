/**
 * Which module a model is, for the bakes: the one recognition rule of `tracker-modules.ts` applied to the model's
 * declared signature, with errors that say what the signature fits and how to name the module instead.
 */
import { ToolkitError } from '@tamkit/common';
import type { ModelProto } from '../../onnx/types.js';
import {
  moduleCandidates,
  type Recognition,
  recognizeModuleSignature,
  signatureOfModel,
  TRACKER_MODULES,
  type TrackerModule,
} from '../../tracker-modules.js';

export type { Recognition } from '../../tracker-modules.js';

/** @deprecated The module list is `TRACKER_MODULES` (tracker-modules.ts); this alias will be removed. */
export const MODULES = TRACKER_MODULES;
/** @deprecated The module type is `TrackerModule` (tracker-modules.ts); this alias will be removed. */
export type ModuleKind = TrackerModule;

/** Recognises the module, or says why it cannot. */
export function recognizeModule(model: ModelProto): Recognition {
  const signature = signatureOfModel(model);
  const recognized = recognizeModuleSignature(signature);
  if (recognized) return recognized;
  const found = moduleCandidates(signature);
  const inputs = signature.inputs.map((s) => `${s.name}${JSON.stringify(s.shape)}`).join(', ');
  throw new ToolkitError(
    'MODULE_UNKNOWN',
    found.length
      ? `cannot tell the module: the signature fits ${found.map((f) => f.module).join(' and ')} (inputs ${inputs})`
      : `cannot tell the module from the signature (inputs ${inputs})`,
    { remedy: `Name it with --module (${TRACKER_MODULES.join(', ')}).` },
  );
}

/** Checks that a model named as `module` has a signature that fits it. */
export function assertModule(model: ModelProto, module: TrackerModule): void {
  const fits = moduleCandidates(signatureOfModel(model)).map((c) => c.module);
  if (!fits.includes(module)) {
    throw new ToolkitError(
      'MODULE_MISMATCH',
      `the model does not look like ${module}${fits.length ? ` (its signature fits ${fits.join(', ')})` : ''}`,
      { remedy: 'Pass the right module file or the right --module name.' },
    );
  }
}
