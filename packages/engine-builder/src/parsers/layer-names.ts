/**
 * ONNX node names recovered from an engine layer's name, for layer information without metadata (names-only
 * exports, TensorRT before 8.6, or layers whose Metadata is empty). TensorRT names a fused layer after its nodes
 * ("a + b", "PWN(PWN(a), PWN(b))", "a || b", "{ForeignNode[first...last]}"), but many layers compute no ONNX node
 * at all, and their names only mention one: those map to none.
 */
export interface NodesFromName {
  nodes: string[];
  /** For `{ForeignNode[first...last]}`: the two end nodes of the range. */
  range?: [string, string];
  /** Why the layer maps to no node, when it does not. */
  noNodeReason?: string;
}

// Layers that copy or convert a tensor for another layer: the name after "to" is the consumer, not this layer.
const REFORMAT = /^Reformatting CopyNode for (Input|Output) Tensor \d+ to /;
// Myelin's own kernels and shape helpers: kernel names, not node names ("__myl_MulSum_myl4_1",
// "__mye260_0_myl5_0", "dummy_shape_call__mye4273_0_myl87_0", "node_linear_myl4_0").
const MYELIN_KERNEL = /^(__myl_|__mye|dummy_shape_call)|_myl\d+_\d+$/;
const MYELIN_KERNEL_TYPES = /^(kgen|gemm|shape_call)$/i;
const UNNAMED = /\(Unnamed Layer\* \d+\)/;

/** Splits `text` on `separator` where it is not inside parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** "PWN(PWN(a), PWN(b))" -> ["a", "b"]: TensorRT's pointwise-fusion wrapper around the fused nodes. */
function unwrapPointwise(part: string): string[] {
  const m = /^PWN\((.*)\)$/s.exec(part);
  if (!m) return [part];
  return splitTopLevel(m[1]!, ', ').flatMap((p) => unwrapPointwise(p.trim()));
}

/**
 * Recovers the ONNX nodes a layer computes from its name and (when known) its LayerType. Reformatting layers,
 * Myelin kernels and helpers (`kgen`, `gemm`, `shape_call`, `__myl_...`, `dummy_shape_call...`), tensor copies
 * and unnamed layers map to none.
 */
export function onnxNodesFromLayerName(layerName: string, layerType?: string): NodesFromName {
  const name = layerName.replace(/ \[profile \d+\]$/, '');
  if (REFORMAT.test(name)) return { nodes: [], noNodeReason: 'a reformatting layer (it copies a tensor)' };
  if (MYELIN_KERNEL.test(name) || MYELIN_KERNEL_TYPES.test(layerType ?? '')) {
    return { nodes: [], noNodeReason: 'a Myelin kernel whose metadata names no node' };
  }
  if (/^reformat$/i.test(layerType ?? '') && / copy$/.test(name)) {
    return { nodes: [], noNodeReason: 'a tensor copy' };
  }
  const foreign = /^\{ForeignNode\[(.*)\]\}$/s.exec(name);
  if (foreign) {
    const [first, last] = foreign[1]!.split('...');
    if (first !== undefined && last !== undefined) return { nodes: [first, last], range: [first, last] };
    return { nodes: [foreign[1]!] };
  }
  const nodes = splitTopLevel(name, ' + ')
    .flatMap((p) => splitTopLevel(p, ' || '))
    .flatMap((p) => unwrapPointwise(p.trim()))
    .map((n) => n.trim())
    .filter((n) => n.length > 0 && !UNNAMED.test(n));
  if (nodes.length === 0) return { nodes: [], noNodeReason: 'an unnamed layer' };
  return { nodes: [...new Set(nodes)] };
}
