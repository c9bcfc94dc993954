/**
 * Defects the realistic (export-style) zoo revealed that another branch of issue 11 fixes. A test that needs
 * one of them skips, printing why, until that branch lands; then its entry goes and the test runs.
 */
export const PENDING_FIXES = {
  bakeSizes:
    'issue 11 item 1: the mask_decoder bakes read the declared output dims, and a real export declares placeholders ' +
    '(`Castlow_res_masks_dim_0`); sizes from shape inference are being fixed on the `specialize` branch',
  flops:
    'issue 11 item 2: FLOPs of a real mask_decoder come out 13x low (73 MFLOP): shape inference stops at the ' +
    "OneHot -> Tile of torch's repeat_interleave lowering; being fixed on the `specialize` branch",
} as const;

const warned = new Set<string>();

/** True (and says why, once per process and fix) while the fix `key` has not landed. */
export function awaitingFix(key: keyof typeof PENDING_FIXES): boolean {
  if (!warned.has(key)) {
    warned.add(key);
    console.warn(`skipping (awaiting a fix): ${PENDING_FIXES[key]}`);
  }
  return true;
}
