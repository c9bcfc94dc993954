/**
 * memory_attention and mask_decoder as one session of the tracking loop (`bench pipeline --merge-decoder`): the
 * two graphs merged at load by graph-surgery's `mergeModels`, so the conditioned features never leave the device
 * and a tracked frame makes one run instead of two.
 */
import { ToolkitError } from '@tamkit/common';
import { applyPrecisionPlan, mergeModels, readModel } from '@tamkit/graph-surgery';
import { getStack } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import { type ShapeBinding, variantSettings } from '../stacks/shape-variant.js';
import type { ModelEdit, RunnerSettings } from '../stacks/stack-definition.js';
import { resolveModuleIo } from './module-io.js';
import type { TrackerModule } from './module-runner.js';
import { featureLayoutEdit, type OpenModulesOptions, probeBeforeTheLoop, threadSettings } from './open-modules.js';
import { trackerShapeBindings } from './shape-bindings.js';
import { type BoundRunner, ShapeVariantRunner } from './shape-variant-runner.js';
import type { ModuleStacks } from './stack-spec.js';

/**
 * memory_attention and mask_decoder merged into one session (graph-surgery `mergeModels`, at load): the
 * conditioned features go from one to the other on the device, and a tracked frame makes one run instead of two
 * (on ort-cuda each run's host copies cost about 0.4 ms per MB each way: bench/run-cost.mjs). memory_attention
 * gets the feature-layout edit it gets in `openModules`, so that its output is the decoder's image embedding;
 * each module's precision plan is applied before the merge; the shape variant's bindings are both modules'.
 * `modules` are the loop's runners from `openModules` (same options). Undefined, with the reason through
 * `onNote`, where it cannot be: the two on different stacks, not ONNX Runtime, or no fixed map size.
 */
export async function openAttentionDecoder(
  files: Record<TrackerModule, string>,
  stacks: ModuleStacks,
  modules: Record<TrackerModule, Runner>,
  options: OpenModulesOptions = {},
): Promise<Runner | undefined> {
  const stack = getStack(stacks.memory_attention);
  const skip = (why: string) => {
    options.onNote?.(`memory_attention and mask_decoder run as two modules (${why})`);
    return undefined;
  };
  if (stacks.mask_decoder !== stacks.memory_attention) return skip('they run on different stacks');
  if (stack.family !== 'onnxruntime') return skip(`${stacks.memory_attention} is not an ONNX Runtime stack`);
  const layout = featureLayoutEdit(modules.mask_decoder.inputs);
  if (!layout) return skip("the decoder's image embedding has no fixed map size");
  const io = resolveModuleIo(modules);
  let decoder = await readModel(files.mask_decoder);
  const decoderPlan = options.plans?.mask_decoder;
  if (decoderPlan !== undefined) decoder = applyPrecisionPlan(decoder, decoderPlan).model;
  const connect = { [io.mask_decoder.inputs.imageEmbed]: io.memory_attention.outputs.features };
  const merge: ModelEdit = {
    label: `merge mask_decoder (${io.mask_decoder.inputs.imageEmbed} <- ${io.memory_attention.outputs.features})`,
    apply: (attention) => mergeModels(attention, decoder, { connect, prefix: 'mask_decoder/' }).model,
  };
  const settings: RunnerSettings = {
    ...threadSettings(stack.computesOnHost, options),
    ...(options.graphOptimization === undefined ? {} : { graphOptimization: options.graphOptimization }),
    deviceOutputs: options.deviceOutputs ?? false,
    ...(options.plans?.memory_attention === undefined ? {} : { plan: options.plans.memory_attention }),
    edits: [layout, merge],
  };
  // Both modules' full-bank bindings in one: the merged graph takes memory_attention's inputs and the decoder's
  // (the decoder's low-res size only binds memory_encoder, which is not in it).
  const { bindings } = trackerShapeBindings(modules, options.bank);
  const decoderBinding = bindings.mask_decoder?.[0];
  const unions: ShapeBinding[] = (bindings.memory_attention ?? []).map((a) => ({
    shapes: { ...a.shapes, ...decoderBinding?.shapes },
    values: { ...a.values, ...decoderBinding?.values },
  }));
  const opened: Runner[] = [];
  try {
    let merged = stack.createWith(settings);
    opened.push(merged);
    try {
      await merged.activate(files.memory_attention);
    } catch (error) {
      // A memory_attention baked to the maps' layout already (graph-surgery bake --feature-layout) needs only the merge.
      if (!(error instanceof ToolkitError && error.code === 'BAKE_ALREADY_APPLIED')) throw error;
      settings.edits = [merge];
      merged = stack.createWith(settings);
      opened.push(merged);
      await merged.activate(files.memory_attention);
    }
    // Probed on a full bank: generic feeds (one memory token, no pointers) do not fit the graph's RoPE reshapes.
    if (unions[0] !== undefined) await probeBeforeTheLoop(merged, unions[0]);
    const variant = options.shapeVariant ?? 'original';
    if (variant === 'original') return merged;
    const bound: BoundRunner[] = [];
    for (const binding of unions) {
      const extra = variantSettings(variant, merged.inputs, binding);
      if (Object.keys(extra).length === 0) continue;
      const runner = stack.createWith({ ...settings, ...extra });
      opened.push(runner);
      await runner.activate(files.memory_attention);
      await probeBeforeTheLoop(runner, binding);
      bound.push({ binding, runner });
    }
    return new ShapeVariantRunner(variant, merged, bound);
  } catch (error) {
    for (const runner of opened) await runner.deactivate();
    throw error;
  }
}
