import { UsageError } from '@tamkit/common';
import { isStackName, STACK_NAMES, type StackName } from '../stacks/registry.js';
import { isTrackerModule, TRACKER_MODULES, type TrackerModule } from './module-runner.js';

/** Which stack runs each module. */
export type ModuleStacks = Record<TrackerModule, StackName>;

/**
 * Parses `--stack` for the pipeline: a stack name for every module (`ort-cpu`), `module=stack` pairs
 * (`image_encoder=ort-webgpu,mask_decoder=ort-cpu`), or both (a bare name is the default for unnamed modules).
 * Several specs (a repeated flag) are joined. Modules left unassigned are an error naming them.
 */
export function parseStackSpec(specs: string | readonly string[]): ModuleStacks {
  const parts = (typeof specs === 'string' ? [specs] : specs).flatMap((s) => s.split(',')).map((s) => s.trim());
  let fallback: StackName | undefined;
  const chosen: Partial<ModuleStacks> = {};
  const stackOf = (name: string, where: string): StackName => {
    if (!isStackName(name))
      throw new UsageError(`--stack ${where}: unknown stack "${name}"`, `Stacks: ${STACK_NAMES.join(', ')}.`);
    return name;
  };
  for (const part of parts.filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (fallback !== undefined && fallback !== part) {
        throw new UsageError(
          `--stack: two default stacks, "${fallback}" and "${part}"`,
          'Give one bare stack name; assign the others as module=stack.',
        );
      }
      fallback = stackOf(part, part);
      continue;
    }
    const module = part.slice(0, eq).trim();
    if (!isTrackerModule(module)) {
      throw new UsageError(`--stack ${part}: unknown module "${module}"`, `Modules: ${TRACKER_MODULES.join(', ')}.`);
    }
    if (chosen[module] !== undefined) throw new UsageError(`--stack: ${module} is assigned twice`);
    chosen[module] = stackOf(part.slice(eq + 1).trim(), part);
  }
  const missing = TRACKER_MODULES.filter((m) => chosen[m] === undefined && fallback === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `--stack: no stack for ${missing.join(', ')}`,
      'Name a default stack (e.g. --stack ort-cpu) or assign every module (module=stack, comma separated).',
    );
  }
  return Object.fromEntries(TRACKER_MODULES.map((m) => [m, chosen[m] ?? fallback])) as ModuleStacks;
}

/** `image_encoder=ort-webgpu,...` (or the one name when every module runs on the same stack). */
export function formatModuleStacks(assignment: ModuleStacks): string {
  const stacks = new Set(Object.values(assignment));
  if (stacks.size === 1) return [...stacks][0]!;
  return TRACKER_MODULES.map((m) => `${m}=${assignment[m]}`).join(',');
}
