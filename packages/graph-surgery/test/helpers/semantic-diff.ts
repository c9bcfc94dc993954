/**
 * Field-by-field comparison of decoded ONNX messages. Returns the path of the first difference, or undefined
 * when equal. Byte fields compare by content; int64 compares by value whether number or bigint.
 */
export function semanticDiff(a: unknown, b: unknown, path = '$'): string | undefined {
  if (a === b) return undefined;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return undefined;
    return BigInt.asIntN(64, BigInt(Math.trunc(Number(a)) === Number(a) ? a : 0)) ===
      BigInt.asIntN(64, BigInt(Math.trunc(Number(b)) === Number(b) ? b : 0)) && Number(a) === Number(b)
      ? undefined
      : `${path}: ${a} != ${b}`;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return `${path}: ${a.length} bytes != ${b.length} bytes`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${path}[${i}]: byte ${a[i]} != ${b[i]}`;
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = semanticDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (k === '$unknown') {
        // Unknown fields compare as wire bytes: how they were split into entries does not matter.
        const join = (v: unknown) => Buffer.concat(((v as Uint8Array[] | undefined) ?? []).map((u) => Buffer.from(u)));
        const d = semanticDiff(
          new Uint8Array(join((a as Record<string, unknown>)[k])),
          new Uint8Array(join((b as Record<string, unknown>)[k])),
          `${path}.$unknown`,
        );
        if (d) return d;
        continue;
      }
      const d = semanticDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return `${path}: ${String(a)} != ${String(b)}`;
}
