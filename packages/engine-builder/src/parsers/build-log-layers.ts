/** One tensor of an "Engine Layer Information" line. */
export interface BuildLogTensor {
  name: string;
  /** As printed: "Float", "Half", "Int32", ... */
  type: string;
  /** As printed, e.g. "-1,1:2,28,28" (":N" marks a vectorised dimension). */
  dims: string;
}

/** One line of the "Engine Layer Information" block of a verbose build log. */
export interface BuildLogLayer {
  layerType: string;
  name: string;
  tactic: string;
  inputs: BuildLogTensor[];
  outputs: BuildLogTensor[];
  /** 1-based line in the log. */
  line: number;
}

// TensorRT 8.6 and later: "name (Float[-1,1,28,28])"; before: "name[Float(1,3,224,224)]". Names may contain
// spaces, commas, brackets and parentheses ("(Unnamed Layer* 28) [TopK]_output_1").
const TENSOR_NEW = /(.*?) \((\w+)\[([^\]]*)\]\)(?:, |$)/gy;
const TENSOR_OLD = /(.*?)\[(\w+)\(([^)]*)\)\](?:, |$)/gy;

/** Splits a tensor list of either format; undefined when the text is not a whole list of one format. */
export function tensorList(text: string): BuildLogTensor[] | undefined {
  if (text.length === 0) return [];
  for (const re of [TENSOR_NEW, TENSOR_OLD]) {
    re.lastIndex = 0;
    const out: BuildLogTensor[] = [];
    let m: RegExpExecArray | null;
    let end = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: the sticky regex walks the list piece by piece
    while (end < text.length && (m = re.exec(text)) !== null) {
      out.push({ name: m[1]!.trim(), type: m[2]!, dims: m[3]! });
      end = re.lastIndex;
    }
    if (end === text.length && out.length > 0) return out;
  }
  return undefined;
}

/** Parses "Layer(Type): name, Tactic: 0x..., inputs -> outputs"; undefined when the line is not one. */
export function engineLayerLine(text: string, line: number): BuildLogLayer | undefined {
  const m = /^Layer\(([^)]*)\): (.*), Tactic: (\S+), (.*)$/.exec(text);
  if (!m) return undefined;
  const [ins = '', outs = ''] = m[4]!.split(' -> ');
  return {
    layerType: m[1]!,
    name: m[2]!,
    tactic: m[3]!,
    inputs: tensorList(ins) ?? [],
    outputs: tensorList(outs) ?? [],
    line,
  };
}
