/**
 * External tensor data (TensorProto.data_location = EXTERNAL): safe resolution of `location` and reading and
 * writing of the bytes. A `location` that leaves the model's folder (absolute path, `..`, a symlink pointing
 * out) is refused: loading one is how ONNX's own loader leaked arbitrary files (a real CVE class).
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import type { Int64, StringStringEntryProto, TensorProto } from './types.js';

export const EXTERNAL = 1;

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

function toSafeNumber(value: string, key: string, where: string): number {
  if (!/^\d+$/.test(value)) {
    throw new ToolkitError('ONNX_EXTERNAL_DATA', `${where}: external data ${key} "${value}" is not a whole number`, {
      remedy: 'Re-export the model or fix the external_data entries.',
    });
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new ToolkitError('ONNX_EXTERNAL_DATA', `${where}: external data ${key} ${value} is absurdly large`, {
      remedy: 'Re-export the model or fix the external_data entries.',
    });
  }
  return n;
}

/** Reads a tensor's external_data entries. */
export function externalRef(tensor: TensorProto, where: string): ExternalRef {
  const entries = new Map(tensor.externalData.map((e: StringStringEntryProto) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) {
    throw new ToolkitError(
      'ONNX_EXTERNAL_DATA',
      `${where}: tensor "${tensor.name ?? ''}" is EXTERNAL but has no location`,
      {
        remedy: 'Re-export the model with its external data, or embed the data.',
      },
    );
  }
  const offset = entries.has('offset') ? toSafeNumber(entries.get('offset')!, 'offset', where) : 0;
  const length = entries.has('length') ? toSafeNumber(entries.get('length')!, 'length', where) : undefined;
  return { location, offset, length };
}

/**
 * Resolves `location` against the model folder, refusing anything that escapes it, before and after
 * following symlinks.
 */
export function resolveExternalPath(modelDir: string, location: string, where: string): string {
  const refuse = (why: string) =>
    new ToolkitError('ONNX_EXTERNAL_DATA_ESCAPE', `${where}: external data location "${location}" ${why}`, {
      remedy: 'External data must live in the model folder or below it; move the file there and fix the location.',
    });
  if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location) || location.startsWith('\\'))
    throw refuse('is absolute');
  const normal = normalize(location);
  if (normal === '..' || normal.startsWith(`..${sep}`) || normal.split(/[\\/]/).includes('..')) {
    throw refuse('points outside the model folder');
  }
  const root = realpathSync(modelDir);
  const candidate = resolve(root, normal);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new ToolkitError('ONNX_EXTERNAL_DATA_MISSING', `${where}: external data file "${location}" was not found`, {
      remedy: `Put the file next to the model (expected at ${candidate}).`,
    });
  }
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw refuse('is a symlink that leads outside the model folder');
  return real;
}

/** external_data entries for a tensor written at `offset` in `location`. */
export function externalEntries(location: string, offset: number, length: number): StringStringEntryProto[] {
  return [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) },
  ];
}

export function dimsProduct(dims: readonly Int64[]): number {
  let n = 1;
  for (const d of dims) n *= Number(d);
  return n;
}
