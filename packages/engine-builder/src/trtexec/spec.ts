import { ToolkitError } from '@tamkit/common';

/**
 * trtexec reads `--layerPrecisions`, `--layerOutputTypes` and the shape flags as `name:value` entries joined by
 * commas: it splits on every comma first, then takes the value after the last colon, and treats a name wrapped in
 * single quotes as quoted. So a comma or a quote in a name cannot be expressed at all (refused), a colon is
 * expressible (the name is quoted to be safe), and `*` alone would mean "every layer".
 */
export function specName(name: string, flag: string): string {
  let problem: string | undefined;
  if (name.length === 0) problem = 'is empty';
  else if (name.includes(',')) problem = 'contains a comma, which trtexec uses to separate entries';
  else if (name.includes("'")) problem = 'contains a single quote, which trtexec strips as quoting';
  else if (/[\u0000-\u001f\u007f]/.test(name)) problem = 'contains a control character';
  else if (name === '*') problem = 'is "*", which trtexec reads as "every layer"';
  if (problem) {
    throw new ToolkitError(
      'LAYER_NAME_UNSUPPORTED',
      `Name ${JSON.stringify(name)} cannot be passed to trtexec ${flag}: it ${problem}`,
      {
        remedy:
          'Rename the node in the ONNX model (graph-surgery can rename nodes), or use the TensorRT 11 typed-graph path (--trt-version 11).',
      },
    );
  }
  return name.includes(':') ? `'${name}'` : name;
}

/** `name:1x3x512x512` entries for the shape flags; a scalar is written `name:scalar`. */
export function shapeSpec(shapes: Record<string, readonly number[]>, flag: string): string {
  return Object.entries(shapes)
    .map(([name, dims]) => {
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new ToolkitError(
          'SHAPE_INVALID',
          `Shape of "${name}" for ${flag} must be non-negative integers, got [${dims.join(', ')}]`,
          {
            remedy: 'Give concrete dimensions, e.g. memory:7232x1x64.',
          },
        );
      }
      return `${specName(name, flag)}:${dims.length === 0 ? 'scalar' : dims.join('x')}`;
    })
    .join(',');
}

/** Parses `name:AxBxC,name2:D` (the CLI's shape syntax, same as trtexec's) into a record. */
export function parseShapeList(text: string, flag: string): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const entry of text.split(',').filter((e) => e.length > 0)) {
    const colon = entry.lastIndexOf(':');
    const name = entry.slice(0, colon).replace(/^'(.*)'$/, '$1');
    const value = entry.slice(colon + 1);
    const dims = value === 'scalar' || value === '' ? [] : value.split('x').map(Number);
    if (colon <= 0 || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ToolkitError('SHAPE_INVALID', `${flag}: cannot read ${JSON.stringify(entry)} as name:AxBxC`, {
        remedy: `Write ${flag} as input:1x3x512x512[,other:...].`,
      });
    }
    shapes[name] = dims;
  }
  return shapes;
}

/** Quotes an argument for display in a POSIX shell (display only: processes are spawned without a shell). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-+=.,:/@%^]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command line, for `--print-command` and logs. */
export function formatCommandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(shellQuote).join(' ');
}
