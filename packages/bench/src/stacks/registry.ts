import { UsageError } from '@tamkit/common';
import type { Availability } from './availability.js';
import { type OrtCpuOptions, ortCpuStack } from './ort-cpu/index.js';
import { type OrtCudaOptions, ortCudaStack } from './ort-cuda/index.js';
import { type OrtTrtOptions, ortTrtStack } from './ort-trt/index.js';
import { type OrtWebGpuOptions, ortWebGpuStack } from './ort-webgpu/index.js';
import type { Runner } from './runner.js';
import type { StackDefinition } from './stack-definition.js';
import type { TrtStackOptions } from './trt/trt-runner.js';
import { trtBf16Stack } from './trt-bf16/index.js';
import { trtFp16Stack } from './trt-fp16/index.js';
import { trtFp32Stack } from './trt-fp32/index.js';
import { trtMixedStack } from './trt-mixed/index.js';
import type { StackFamily } from './types.js';

/** Options type of each stack, by name. */
export interface StackOptionsMap {
  'ort-cpu': OrtCpuOptions;
  'ort-webgpu': OrtWebGpuOptions;
  'ort-cuda': OrtCudaOptions;
  'ort-trt': OrtTrtOptions;
  'trt-fp32': TrtStackOptions;
  'trt-fp16': TrtStackOptions;
  'trt-bf16': TrtStackOptions;
  'trt-mixed': TrtStackOptions;
}

export type StackName = keyof StackOptionsMap;

/** Every stack bench knows, by name. Adding a stack = one folder + one line here + one in StackOptionsMap. */
export const STACKS: { readonly [K in StackName]: StackDefinition<StackOptionsMap[K]> } = {
  'ort-cpu': ortCpuStack,
  'ort-webgpu': ortWebGpuStack,
  'ort-cuda': ortCudaStack,
  'ort-trt': ortTrtStack,
  'trt-fp32': trtFp32Stack,
  'trt-fp16': trtFp16Stack,
  'trt-bf16': trtBf16Stack,
  'trt-mixed': trtMixedStack,
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

/** A new inactive runner of the named stack. */
export function createRunner<K extends StackName>(name: K, options?: StackOptionsMap[K]): Runner {
  return getStack(name).create(options);
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
