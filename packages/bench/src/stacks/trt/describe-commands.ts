import { UsageError } from '@tamkit/common';
import type { PrecisionPlan } from '@tamkit/graph-surgery';
import { applicableUserShapes, resolveInputShapes } from '../../measure/shapes.js';
import { readModelSignature } from '../model-signature.js';
import { getStack } from '../registry.js';
import type { TrtCommands } from './engine-port.js';
import { getTrtEnginePort } from './installed-port.js';
import { locateTrtexec } from './locate-trtexec.js';

/** Options of `describeTrtCommands`. */
export interface DescribeTrtOptions {
  /** User shapes by input name (`--shape`); other dynamic dims get bench's defaults, as in a real run. */
  shapes?: Record<string, number[]>;
  iterations?: number;
  timeMs?: number;
  /** TensorRT major version to describe for when no trtexec is found. */
  trtVersion?: 10 | 11;
  /** Environment to find trtexec in. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The precision plan per model path (`--plan`); models without one build their stack's default plan. */
  plans?: ReadonlyMap<string, PrecisionPlan>;
}

/**
 * The trtexec command lines a trt-* stack would run for a model (the engine build and the timing run), with the
 * same input shapes a real run would use, without running anything: any result can be reproduced by hand.
 */
export async function describeTrtCommands(
  stack: string,
  modelPath: string,
  options: DescribeTrtOptions = {},
): Promise<TrtCommands> {
  const precision = getStack(stack).tensorRtPrecision;
  if (precision === undefined) {
    throw new UsageError(`${stack} runs in this process; only trt-* stacks drive trtexec`, 'Name a trt-* stack.');
  }
  const port = getTrtEnginePort();
  if (port?.describeCommands === undefined) {
    throw new UsageError(
      `${stack}: the installed engine port cannot describe commands`,
      'Use the engine-builder adapter.',
    );
  }
  const { inputs } = await readModelSignature(modelPath);
  const resolved = resolveInputShapes(inputs, applicableUserShapes(inputs, options.shapes ?? {}));
  const shapes = Object.fromEntries(
    inputs.filter((i) => i.shape.some((d) => typeof d === 'string')).map((i) => [i.name, resolved.shapes[i.name]!]),
  );
  const env = options.env ?? process.env;
  const trtexec = locateTrtexec(env);
  return port.describeCommands({
    modelPath,
    precision,
    ...(options.plans?.has(modelPath) ? { plan: options.plans.get(modelPath)! } : {}),
    shapes,
    env,
    ...(trtexec.found ? { trtexecPath: trtexec.path } : {}),
    ...(options.trtVersion === undefined ? {} : { trtVersion: options.trtVersion }),
    ...(options.iterations === undefined ? {} : { iterations: options.iterations }),
    ...(options.timeMs === undefined ? {} : { timeMs: options.timeMs }),
  });
}

/** One stack and module of `describeRunCommands`: the trtexec commands, or null for a stack that runs in-process. */
export interface DescribedRun {
  stack: string;
  modelPath: string;
  commands: TrtCommands | null;
}

/** `describeTrtCommands` for every (stack, model) pair; in-process stacks get `commands: null`. */
export async function describeRunCommands(
  stacks: readonly string[],
  modelPaths: readonly string[],
  options: DescribeTrtOptions = {},
): Promise<DescribedRun[]> {
  const described: DescribedRun[] = [];
  for (const stack of stacks) {
    for (const modelPath of modelPaths) {
      const inProcess = getStack(stack).tensorRtPrecision === undefined;
      const commands = inProcess ? null : await describeTrtCommands(stack, modelPath, options);
      described.push({ stack, modelPath, commands });
    }
  }
  return described;
}
