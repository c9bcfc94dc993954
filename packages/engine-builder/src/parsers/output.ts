import { assertJsonKind, parseTrtJson } from './common.js';
import { parseError } from './errors.js';

/** One output tensor from `--exportOutput`. */
export interface ExportedTensor {
  name: string;
  dimensions: number[];
  values: number[];
}

/**
 * Parses `trtexec --exportOutput` files: `[{ "name": ..., "dimensions": "1x3x128x128", "values": [...] }]`.
 * Values may be nan/inf (kept as NaN/Infinity). The number of values must match the dimensions.
 */
export function parseExportOutput(text: string): ExportedTensor[] {
  const what = 'output';
  const data = parseTrtJson(text, what);
  assertJsonKind(data, what);
  if (!Array.isArray(data)) throw parseError(what, 'expected a JSON array of tensors');
  return data.map((entry, i) => {
    const r = entry as Record<string, unknown>;
    if (typeof r?.name !== 'string') throw parseError(what, `tensor ${i} has no "name"`);
    if (typeof r.dimensions !== 'string') throw parseError(what, `tensor "${r.name}" has no "dimensions" string`);
    const dims = r.dimensions.length === 0 ? [] : r.dimensions.split('x').map((d) => Number(d.trim()));
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw parseError(what, `tensor "${r.name}" has dimensions ${JSON.stringify(r.dimensions)}, not like 1x3x128x128`);
    }
    if (!Array.isArray(r.values) || r.values.some((v) => typeof v !== 'number')) {
      throw parseError(what, `tensor "${r.name}" has no numeric "values" array`);
    }
    const expected = dims.reduce((a, b) => a * b, 1);
    if (r.values.length !== expected) {
      throw parseError(
        what,
        `tensor "${r.name}" has ${r.values.length} values for dimensions ${r.dimensions} (${expected} expected)`,
      );
    }
    return { name: r.name, dimensions: dims, values: r.values as number[] };
  });
}
