/** Largest absolute difference between `got` and `reference`, relative to the reference's largest magnitude. */
export function maxRelativeDiff(got: Float32Array, reference: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i += 1) {
    diff = Math.max(diff, Math.abs(got[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}
