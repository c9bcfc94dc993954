import { readRegularFile, ToolkitError } from '@tamkit/common';
import { AUTO_PIN_KINDS, type AutoPinKind, type PrecisionPlan } from './plan.js';
import { isPrecision, PRECISIONS, type Precision } from './precision.js';

const PLAN_KEYS = ['schemaVersion', 'defaultPrecision', 'pinFp32', 'outputTypes', 'blockOps', 'keepIoTypes', 'note'];
const PIN_KEYS = ['nodes', 'patterns', 'auto'];

function invalid(where: string, message: string): ToolkitError {
  return new ToolkitError('PLAN_INVALID', `Precision plan ${where}: ${message}`, {
    remedy: 'Fix the plan file; the format is described in packages/graph-surgery/README.md ("Precision plans").',
  });
}

function stringList(value: unknown, where: string, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw invalid(where, `"${field}" must be an array of non-empty strings`);
  }
  return value as string[];
}

/**
 * Checks an untyped value (parsed JSON) against the plan format and returns it typed.
 * `where` names the source in error messages (a file path, or "object").
 */
export function validatePlan(value: unknown, where = 'object'): PrecisionPlan {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, 'must be a JSON object');
  }
  const raw = value as Record<string, unknown>;
  const unknownKeys = Object.keys(raw).filter((k) => !PLAN_KEYS.includes(k));
  if (unknownKeys.length > 0) throw invalid(where, `unknown field(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}`);
  if (raw.schemaVersion !== 1)
    throw invalid(where, `"schemaVersion" must be 1, got ${JSON.stringify(raw.schemaVersion)}`);
  if (!isPrecision(raw.defaultPrecision)) {
    throw invalid(where, `"defaultPrecision" must be one of ${PRECISIONS.join(', ')}`);
  }
  const plan: PrecisionPlan = { schemaVersion: 1, defaultPrecision: raw.defaultPrecision };

  if (raw.pinFp32 !== undefined) {
    if (typeof raw.pinFp32 !== 'object' || raw.pinFp32 === null || Array.isArray(raw.pinFp32)) {
      throw invalid(where, '"pinFp32" must be an object with "nodes", "patterns" and/or "auto"');
    }
    const pin = raw.pinFp32 as Record<string, unknown>;
    const extra = Object.keys(pin).filter((k) => !PIN_KEYS.includes(k));
    if (extra.length > 0) throw invalid(where, `unknown field(s) in "pinFp32": ${extra.join(', ')}`);
    plan.pinFp32 = {};
    if (pin.nodes !== undefined) plan.pinFp32.nodes = stringList(pin.nodes, where, 'pinFp32.nodes');
    if (pin.patterns !== undefined) {
      plan.pinFp32.patterns = stringList(pin.patterns, where, 'pinFp32.patterns');
      for (const p of plan.pinFp32.patterns) {
        if (p.startsWith('re:')) {
          try {
            new RegExp(p.slice(3));
          } catch (error) {
            throw invalid(where, `pattern ${JSON.stringify(p)} is not a valid regular expression (${String(error)})`);
          }
        }
      }
    }
    if (pin.auto !== undefined) {
      const auto = stringList(pin.auto, where, 'pinFp32.auto');
      const bad = auto.filter((a) => !(AUTO_PIN_KINDS as readonly string[]).includes(a));
      if (bad.length > 0)
        throw invalid(where, `"pinFp32.auto" accepts ${AUTO_PIN_KINDS.join(', ')}; got ${bad.join(', ')}`);
      plan.pinFp32.auto = auto as AutoPinKind[];
    }
  }

  if (raw.outputTypes !== undefined) {
    if (typeof raw.outputTypes !== 'object' || raw.outputTypes === null || Array.isArray(raw.outputTypes)) {
      throw invalid(where, '"outputTypes" must map node names to arrays of precisions');
    }
    const outputTypes: Record<string, Precision[]> = {};
    for (const [node, types] of Object.entries(raw.outputTypes as Record<string, unknown>)) {
      if (!Array.isArray(types) || types.length === 0 || !types.every(isPrecision)) {
        throw invalid(where, `"outputTypes.${node}" must be a non-empty array of ${PRECISIONS.join('/')}`);
      }
      outputTypes[node] = types;
    }
    plan.outputTypes = outputTypes;
  }
  if (raw.blockOps !== undefined) plan.blockOps = stringList(raw.blockOps, where, 'blockOps');
  if (raw.keepIoTypes !== undefined) {
    if (typeof raw.keepIoTypes !== 'boolean') throw invalid(where, '"keepIoTypes" must be true or false');
    plan.keepIoTypes = raw.keepIoTypes;
  }
  if (raw.note !== undefined) {
    if (typeof raw.note !== 'string') throw invalid(where, '"note" must be a string');
    plan.note = raw.note;
  }
  if (plan.defaultPrecision === 'fp32' && (plan.pinFp32?.nodes?.length || plan.pinFp32?.patterns?.length)) {
    throw invalid(where, 'pins FP32 nodes but "defaultPrecision" is already fp32; set it to fp16 or bf16');
  }
  return plan;
}

/** Reads and validates a plan file. */
export async function loadPlan(path: string): Promise<PrecisionPlan> {
  let text: string;
  try {
    text = (await readRegularFile(path, 'precision plan')).toString('utf8');
  } catch (error) {
    if (error instanceof ToolkitError && error.code === 'NOT_A_FILE') throw error;
    throw new ToolkitError('PLAN_UNREADABLE', `Cannot read precision plan ${path}: ${(error as Error).message}`, {
      remedy: 'Check the path given to --plan.',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `is not valid JSON (${(error as Error).message})`);
  }
  return validatePlan(parsed, path);
}

/** The plan as stable JSON (sorted keys where order carries no meaning) for files and cache keys. */
export function serializePlan(plan: PrecisionPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
