import { ToolkitError } from '@tamkit/common';
import type { Placement, ProviderShare } from '../../report/schema.js';
import { RunnerErrorCode } from '../errors.js';
import type { OrtProfile } from './profile-trace.js';

/**
 * Ops that carry the arithmetic of a transformer or CNN: if one of these runs on another provider than the one
 * requested, the stack's numbers are not that provider's numbers. Standard ONNX ops (MatMul, Gemm, Conv,
 * ConvTranspose, Einsum, Softmax, LogSoftmax, normalisations, Attention) plus the fused forms ONNX Runtime's
 * graph optimiser creates from them (com.microsoft FusedMatMul, FusedConv, FusedGemm, SkipLayerNormalization,
 * MultiHeadAttention, ...). Shape arithmetic (Shape, Gather, Unsqueeze, Concat, Reshape, Cast on shape tensors)
 * is deliberately absent: ORT keeps it on CPU by design.
 */
export const COMPUTE_OPS: ReadonlySet<string> = new Set([
  'MatMul',
  'Gemm',
  'Conv',
  'ConvTranspose',
  'Einsum',
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'RMSNormalization',
  'BatchNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'Attention',
  // com.microsoft contrib ops produced by ORT's fusions
  'FusedMatMul',
  'FusedConv',
  'FusedGemm',
  'MatMulNBits',
  'SkipLayerNormalization',
  'SimplifiedLayerNormalization',
  'SkipSimplifiedLayerNormalization',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'BiasSoftmax',
  'NhwcConv',
]);

/**
 * Summarises a profile into the report's `Placement`: per provider the distinct nodes it ran and its mean kernel
 * time per run, and the compute ops that ran somewhere other than `requested` (a profile provider name).
 * Pure function.
 */
export function summarisePlacement(profile: OrtProfile, requested: string): Placement {
  const runs = Math.max(1, profile.runs);
  const byProvider = new Map<string, { nodes: Set<string>; us: number }>();
  const elsewhere = new Map<string, { node: string; opType: string; provider: string }>();
  for (const event of profile.nodeEvents) {
    let entry = byProvider.get(event.provider);
    if (entry === undefined) {
      entry = { nodes: new Set(), us: 0 };
      byProvider.set(event.provider, entry);
    }
    entry.nodes.add(event.node);
    entry.us += event.durationUs;
    if (event.provider !== requested && COMPUTE_OPS.has(event.opType)) {
      elsewhere.set(`${event.provider}\u0000${event.node}`, {
        node: event.node,
        opType: event.opType,
        provider: event.provider,
      });
    }
  }
  const providers: ProviderShare[] = [...byProvider.entries()]
    .map(([provider, { nodes, us }]) => ({ provider, nodes: nodes.size, kernelTimeMs: us / runs / 1000 }))
    .sort(
      (a, b) => Number(b.provider === requested) - Number(a.provider === requested) || b.kernelTimeMs - a.kernelTimeMs,
    );
  return { requested, providers, computeOpsElsewhere: [...elsewhere.values()] };
}

/** Share of kernel time (0..1) spent on the requested provider; 1 when the profile holds no kernel time. */
export function requestedKernelShare(placement: Placement): number {
  const total = placement.providers.reduce((sum, p) => sum + p.kernelTimeMs, 0);
  if (total === 0) return 1;
  const mine = placement.providers.find((p) => p.provider === placement.requested)?.kernelTimeMs ?? 0;
  return mine / total;
}

/** A one-line human summary, e.g. `WebGpuExecutionProvider 97.1% of kernel time, 646/976 nodes; ...`. */
export function describePlacement(placement: Placement): string {
  const total = placement.providers.reduce((sum, p) => sum + p.kernelTimeMs, 0);
  const nodes = placement.providers.reduce((sum, p) => sum + p.nodes, 0);
  return placement.providers
    .map((p) => {
      const share = total > 0 ? ((100 * p.kernelTimeMs) / total).toFixed(1) : '0.0';
      return `${p.provider} ${share}% of kernel time, ${p.nodes}/${nodes} nodes`;
    })
    .join('; ');
}

/**
 * Throws a typed error listing every compute op that ran elsewhere, unless partial placement is allowed.
 * `where` names the stack and model for the message.
 */
export function assertPlacement(placement: Placement, where: string, options: { allowPartial: boolean }): void {
  if (options.allowPartial || placement.computeOpsElsewhere.length === 0) return;
  const shown = placement.computeOpsElsewhere.slice(0, 20);
  const list = shown.map((o) => `${o.node} (${o.opType}) on ${o.provider}`).join(', ');
  const more = placement.computeOpsElsewhere.length - shown.length;
  throw new ToolkitError(
    RunnerErrorCode.Placement,
    `${where}: ${placement.computeOpsElsewhere.length} compute op(s) ran on another provider than ` +
      `${placement.requested}: ${list}${more > 0 ? `, and ${more} more` : ''}. Note: ${describePlacement(placement)}`,
    {
      remedy:
        "These numbers would not be the requested provider's. Pass --allow-partial to report them anyway " +
        '(the placement shares are kept in the result), or change the graph so the provider can take these ops.',
    },
  );
}
