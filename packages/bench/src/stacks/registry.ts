import { UsageError } from '@tamkit/common';
import type { Availability } from './availability.js';
import { ortCpuStack } from './ort-cpu/index.js';
import { ortCudaStack } from './ort-cuda/index.js';
import { ortTrtStack } from './ort-trt/index.js';
import { ortWebGpuStack } from './ort-webgpu/index.js';
import type { Runner } from './runner.js';
import type { RunnerSettings, StackDefinition } from './stack-definition.js';
import { trtBf16Stack } from './trt-bf16/index.js';
import { trtFp16Stack } from './trt-fp16/index.js';
import { trtFp32Stack } from './trt-fp32/index.js';
import { trtMixedStack } from './trt-mixed/index.js';
import type { StackFamily } from './types.js';

/**
 * Every stack bench knows, by name: the only source of stack traits. Adding a stack = one folder exporting its
 * definition (`defineOrtStack`, `defineTrtStack`) + one line here.
 */
export const STACKS = {
  'ort-cpu': ortCpuStack,
  'ort-webgpu': ortWebGpuStack,
  'ort-cuda': ortCudaStack,
  'ort-trt': ortTrtStack,
  'trt-fp32': trtFp32Stack,
  'trt-fp16': trtFp16Stack,
  'trt-bf16': trtBf16Stack,
  'trt-mixed': trtMixedStack,
} as const satisfies Record<string, StackDefinition<never>>;

export type StackName = keyof typeof STACKS;

/** Options type of each stack, by name (from its definition). */
export type StackOptionsMap = {
  [K in StackName]: (typeof STACKS)[K] extends StackDefinition<infer Options> ? Options : never;
};

export const STACK_NAMES = Object.keys(STACKS) as StackName[];

export function isStackName(name: string): name is StackName {
  return Object.hasOwn(STACKS, name);
}

/** The definition of a stack; throws a usage error naming the known stacks for an unknown name. */
export function getStack<K extends StackName>(name: K): StackDefinition<StackOptionsMap[K]>;
export function getStack(name: string): StackDefinition<unknown>;
export function getStack(name: string): StackDefinition<unknown> {
  if (!isStackName(name)) {
    throw new UsageError(`Unknown stack "${name}".`, `Choose one of: ${STACK_NAMES.join(', ')} (\`bench list\`).`);
  }
  return STACKS[name] as StackDefinition<unknown>;
}

/** A new inactive runner of the named stack, with that stack's own options. */
export function createRunner<K extends StackName>(name: K, options?: StackOptionsMap[K]): Runner {
  return getStack(name).create(options);
}

/** A new inactive runner of any stack from the settings every stack understands (see `RunnerSettings`). */
export function createRunnerWith(name: string, settings: RunnerSettings = {}): Runner {
  return getStack(name).createWith(settings);
}

export interface StackListing {
  name: StackName;
  family: StackFamily;
  description: string;
  availability: Availability;
}

/** Every stack with its availability on this machine (probes run one after another; each is cached). */
export async function listStacks(): Promise<StackListing[]> {
  const listings: StackListing[] = [];
  for (const name of STACK_NAMES) {
    const stack = STACKS[name];
    listings.push({ name, family: stack.family, description: stack.description, availability: await stack.probe() });
  }
  return listings;
}
