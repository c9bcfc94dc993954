import { ToolkitError } from '@tamkit/common';
import type { LasotSequence } from './dataset.js';

/** Which sequences carry which attribute: attribute name -> set of sequence names. */
export type AttributeMatrix = Map<string, Set<string>>;

/**
 * Parses a sequence-attribute table, as the LaSOT attribute annotations can be laid out: a header row
 * `sequence,<attr1>,<attr2>,...` then one row per sequence `<name>,0,1,...` (comma, tab or space separated).
 */
export function parseAttributeTable(text: string, source: string): AttributeMatrix {
  const rows = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/[\s,]+/));
  const header = rows.shift();
  if (!header || header.length < 2) {
    throw new ToolkitError('ATTRIBUTES_MALFORMED', `${source}: expected a header row "sequence,<attribute>,...".`, {
      remedy: 'Start the table with a header naming each attribute column.',
    });
  }
  const names = header.slice(1);
  const matrix: AttributeMatrix = new Map(names.map((name) => [name, new Set<string>()]));
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new ToolkitError(
        'ATTRIBUTES_MALFORMED',
        `${source}: row ${r + 2} has ${row.length} columns, the header has ${header.length}.`,
        { remedy: 'Give every sequence one 0/1 value per attribute.' },
      );
    }
    names.forEach((name, k) => {
      const value = row[k + 1]!;
      if (value !== '0' && value !== '1') {
        throw new ToolkitError('ATTRIBUTES_MALFORMED', `${source}: row ${r + 2}, ${name}: "${value}" is not 0 or 1.`);
      }
      if (value === '1') matrix.get(name)!.add(row[0]!);
    });
  });
  return matrix;
}

/** Names of the attributes derived from per-frame flag files. */
export const FULL_OCCLUSION = 'full occlusion';
export const OUT_OF_VIEW = 'out of view';

/**
 * Sequence-level attributes that follow from the per-frame files: a sequence has "full occlusion" (or "out of
 * view") when at least one of its frames is flagged, which is how LaSOT defines FOC and OV.
 */
export function attributesFromFlags(sequences: readonly LasotSequence[]): AttributeMatrix {
  const matrix: AttributeMatrix = new Map([
    [FULL_OCCLUSION, new Set<string>()],
    [OUT_OF_VIEW, new Set<string>()],
  ]);
  for (const seq of sequences) {
    if (seq.fullOcclusion?.includes(1)) matrix.get(FULL_OCCLUSION)!.add(seq.name);
    if (seq.outOfView?.includes(1)) matrix.get(OUT_OF_VIEW)!.add(seq.name);
  }
  return matrix;
}
