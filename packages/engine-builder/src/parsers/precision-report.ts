import type { EngineLayer, EngineLayerInfo, TensorType } from './layer-info.js';

/** What TensorRT chose for one layer, tied back to the ONNX nodes it computes. */
export interface LayerPrecisionRow {
  name: string;
  layerType?: string;
  /** The floating type of the layer's tensors; `mixed` when they differ, `unknown` without detailed info. */
  precision: TensorType | 'mixed';
  tactic?: string;
  onnxNodes: string[];
  /** A fused kernel whose inside is invisible: an MHA kernel or a Myelin ForeignNode region. */
  fusion?: 'attention-kernel' | 'myelin-region';
  /** True when tensor types or the tactic name say the layer computes in FP16/BF16. */
  lowPrecision: boolean;
  /** The plan's FP32-pinned nodes this layer computes. */
  pinnedNodes: string[];
}

/** A place where the engine does not do what the plan asked. */
export interface PrecisionFinding {
  layer: string;
  /**
   * `fused-kernel-low-precision`: a fused attention kernel or Myelin region runs in FP16/BF16 over pinned nodes
   * (precisionConstraints are reported ignored inside Myelin: the silent failure this check exists for).
   * `pinned-layer-low-precision`: an ordinary layer computing a pinned node has FP16/BF16 tensors.
   */
  kind: 'fused-kernel-low-precision' | 'pinned-layer-low-precision';
  pinnedNodes: string[];
  detail: string;
}

export interface PrecisionReport {
  layers: LayerPrecisionRow[];
  findings: PrecisionFinding[];
  /** Pinned nodes that no layer reports computing (folded away as constants, or metadata missing). */
  pinnedNotFound: string[];
  notes: string[];
}

const LOW: TensorType[] = ['fp16', 'bf16', 'fp8', 'fp4'];
const FLOATS: TensorType[] = ['fp32', ...LOW];
const ATTENTION_KERNEL = /_gemm_mha_v2|(^|[^a-z])f?mha([^a-z]|$)|flash_?att|fused_?attention/i;
const LOW_TACTIC = /(^|[^a-z0-9])(f16|fp16|h16|bf16|hmma|half)([^a-z0-9]|$)|_f16f16|_bf16bf16|h884|h1688|h16816/i;

// Myelin compiles a region into its own kernels: LayerType "kgen" (generated), "gemm", "shape_call", named
// "__myl_<ops>_myl<k>_<i>" or "<node>_myl<k>_<i>" (TensorRT 10.x detailed layer information).
const MYELIN_KERNEL_TYPE = /^(myelin|kgen|gemm|shape_call)$/i;
const MYELIN_KERNEL_NAME = /^__myl_|_myl\d+_\d+$/;

function fusionOf(layer: EngineLayer): LayerPrecisionRow['fusion'] {
  if (ATTENTION_KERNEL.test(layer.name) || ATTENTION_KERNEL.test(layer.tacticName ?? '')) return 'attention-kernel';
  if (
    layer.name.startsWith('{ForeignNode[') ||
    MYELIN_KERNEL_TYPE.test(layer.layerType ?? '') ||
    MYELIN_KERNEL_NAME.test(layer.name)
  ) {
    return 'myelin-region';
  }
  return undefined;
}

function precisionOf(layer: EngineLayer): TensorType | 'mixed' {
  const types = [
    ...new Set([...layer.inputs, ...layer.outputs].map((t) => t.dataType).filter((t) => FLOATS.includes(t))),
  ];
  if (types.length === 0) return 'unknown';
  return types.length === 1 ? types[0]! : 'mixed';
}

/**
 * The nodes a layer computes. With the model's node order, a ForeignNode range is expanded to every node between
 * its ends, and names read from a layer name that are not nodes of the model (weights such as "fc.bias", shape
 * helpers) are dropped.
 */
function coveredNodes(layer: EngineLayer, nodeOrder?: readonly string[], known?: ReadonlySet<string>): string[] {
  if (!nodeOrder || !known) return layer.onnxNodes;
  if (layer.foreignNodeRange) {
    const [first, last] = layer.foreignNodeRange;
    const a = nodeOrder.indexOf(first);
    const b = nodeOrder.indexOf(last);
    if (a >= 0 && b >= a) return nodeOrder.slice(a, b + 1);
  }
  return layer.onnxNodesFrom === 'layer-name' ? layer.onnxNodes.filter((n) => known.has(n)) : layer.onnxNodes;
}

/**
 * Reports, per engine layer, its precision, tactic and ONNX nodes, and flags where the plan's FP32 pins were not
 * honoured. `nodeOrder` (the model's node names in graph order) lets ForeignNode ranges without metadata be expanded.
 */
export function reportLayerPrecisions(
  info: EngineLayerInfo,
  pinnedFp32: readonly string[] = [],
  nodeOrder?: readonly string[],
): PrecisionReport {
  const pinned = new Set(pinnedFp32);
  const seen = new Set<string>();
  const findings: PrecisionFinding[] = [];
  const known = nodeOrder ? new Set(nodeOrder) : undefined;
  const layers = info.layers.map((layer) => {
    const nodes = coveredNodes(layer, nodeOrder, known);
    const pinnedNodes = nodes.filter((n) => pinned.has(n));
    for (const n of nodes) seen.add(n);
    const precision = precisionOf(layer);
    const fusion = fusionOf(layer);
    const lowTypes = [...layer.inputs, ...layer.outputs].some((t) => LOW.includes(t.dataType));
    const lowPrecision = lowTypes || LOW_TACTIC.test(layer.tacticName ?? '');
    const row: LayerPrecisionRow = { name: layer.name, precision, onnxNodes: nodes, lowPrecision, pinnedNodes };
    if (layer.layerType) row.layerType = layer.layerType;
    if (layer.tacticName ?? layer.tacticValue) row.tactic = layer.tacticName ?? layer.tacticValue;
    if (fusion) row.fusion = fusion;
    if (pinnedNodes.length > 0 && lowPrecision) {
      const listed =
        pinnedNodes.slice(0, 3).join(', ') + (pinnedNodes.length > 3 ? `, +${pinnedNodes.length - 3} more` : '');
      if (fusion) {
        findings.push({
          layer: layer.name,
          kind: 'fused-kernel-low-precision',
          pinnedNodes,
          detail: `${fusion === 'attention-kernel' ? 'fused attention kernel' : 'Myelin region'} runs in ${precision === 'mixed' || precision === 'unknown' ? 'reduced precision' : precision} over FP32-pinned ${listed}`,
        });
      } else {
        // Only the outputs are the layer's own doing; FP16 inputs may come from an upstream layer.
        const lowOut = layer.outputs.some((t) => LOW.includes(t.dataType)) || LOW_TACTIC.test(layer.tacticName ?? '');
        if (lowOut) {
          findings.push({
            layer: layer.name,
            kind: 'pinned-layer-low-precision',
            pinnedNodes,
            detail: `layer computing FP32-pinned ${listed} produces ${precision} outputs`,
          });
        }
      }
    }
    return row;
  });
  const notes: string[] = [];
  if (info.verbosity === 'names-only') {
    notes.push(
      'The layer information has names only: precisions and tactics are unknown. Rebuild with --profilingVerbosity=detailed.',
    );
  }
  return { layers, findings, pinnedNotFound: pinnedFp32.filter((n) => !seen.has(n)), notes };
}
