/**
 * Writes an ONNX graph the way PyTorch 2.x's TorchScript exporter does at opset 17: torch-like node names from
 * a scope stack (`/image_encoder/trunk/blocks.2/attn/Softmax_1`), outputs named `<node>_output_<k>`, literals
 * as Constant nodes, parameters as initializers named after the module path
 * (`image_encoder.trunk.blocks.2.attn.qkv.weight`) with seeded, trained-network-like values.
 */

import { deriveSeed, InternalError, SeededRandom } from '@tamkit/common';
import { type AttributeValue, type Dim, emptyGraph, makeModel, makeNode, makeValueInfo } from '../../graph/build.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type GraphProto, type ModelProto, type NodeProto } from '../../onnx/types.js';

/**
 * How to draw a parameter. `std`: truncated normal (+-2 std), the ViT/timm default for linear weights (0.02).
 * `kaiming`: normal with std sqrt(2 / fanIn), as conv weights of a trained CNN roughly have. `ones`/`zeros`: norm
 * weights and biases, with `jitter` (std of added noise, default 0) so they look trained rather than fresh.
 * `uniform`: uniform in [-bound, bound]. `values`: exact values (e.g. a planted outlier).
 */
export type WeightInit =
  | { std: number; mean?: number }
  | { init: 'kaiming'; fanIn: number; gain?: number }
  | { init: 'ones' | 'zeros'; jitter?: number }
  | { init: 'constant'; value: number; jitter?: number }
  | { init: 'uniform'; bound: number }
  | { values: Float32Array };

/**
 * How faithfully the graph imitates `torch.onnx.export(opset_version=17, dynamo=False)`:
 * - `export` (the default of the zoo): what the TorchScript exporter really emits, after its common-subexpression
 *   elimination (one `x.shape[i]` per tensor and axis, one `H * W`), with `a // b` on sizes as Div + two Casts,
 *   placeholder output dims, `.float()` Casts and the other glue of the reference export;
 * - `clean`: the same modules and weights with tidier shape arithmetic (every size access traced anew, `//` as a
 *   bare Div, concrete output dims): what earlier zoo versions produced.
 */
export type ZooStyle = 'export' | 'clean';

/** The styles `buildZoo` and the CLI accept. */
export const ZOO_STYLES: readonly ZooStyle[] = ['export', 'clean'];

/** Options of a ModuleBuilder. */
export interface ModuleBuilderOptions {
  /** Seed of every weight; each initializer gets its own stream derived from the seed and its name. */
  seed: number;
  /** Export style (default `clean` for a bare builder; the zoo passes its own default, `export`). */
  style?: ZooStyle;
  /** Graph name (default: the root scope). */
  graphName?: string;
  /** Default-domain opset (default 17, what the reference export used). */
  opset?: number;
  /** producer_name written into the model (default `tamkit-zoo`). */
  producerName?: string;
  /** producer_version written into the model (default `0.1.0`). */
  producerVersion?: string;
}

/** Attributes of one node, as `makeNode` takes them. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** A literal for `constant`: a number (0-d), a list (1-d) or values with explicit dims. */
export type ConstantValue =
  | number
  | bigint
  | readonly number[]
  | readonly bigint[]
  | { dims: readonly number[]; values: ArrayLike<number> };

export class ModuleBuilder {
  readonly graph: GraphProto;
  private readonly scopes: string[];
  private readonly counters = new Map<string, number>();
  private readonly producers = new Map<string, NodeProto>();
  private readonly initializerNames = new Set<string>();
  private readonly options: ModuleBuilderOptions;
  private parameterCount = 0;
  /** Values already computed, by key: the exporter's common-subexpression elimination (export style only). */
  private readonly memo = new Map<string, string>();

  /** `rootScope` is the first component of every node and initializer name, e.g. `image_encoder`. */
  constructor(rootScope: string, options: ModuleBuilderOptions) {
    this.options = options;
    this.scopes = rootScope ? [rootScope] : [];
    this.graph = emptyGraph(options.graphName ?? (rootScope || 'main_graph'));
  }

  /** The seed the builder was created with. */
  get seed(): number {
    return this.options.seed;
  }

  /** The export style this builder writes. */
  get style(): ZooStyle {
    return this.options.style ?? 'clean';
  }

  /**
   * In the export style, returns the tensor an identical earlier computation produced (torch runs CSE on the
   * traced graph before converting it to ONNX), or computes it once with `make`; in the clean style, always
   * computes anew. `key` must name the computation and its inputs completely.
   */
  shared(key: string, make: () => string): string {
    if (this.style !== 'export') return make();
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const made = make();
    this.memo.set(key, made);
    return made;
  }

  /** Float parameters added so far. */
  get parameters(): number {
    return this.parameterCount;
  }

  // ---- scopes and names ----

  /** Runs `body` inside a child scope (a module attribute such as `blocks.2` or `attn`) and returns its result. */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  /** The node-name prefix of the current scope: `/image_encoder/trunk/blocks.2/attn`. */
  get nodeScope(): string {
    return this.scopes.length ? `/${this.scopes.join('/')}` : '';
  }

  /** The initializer-name prefix of the current scope: `image_encoder.trunk.blocks.2.attn`. */
  get paramScope(): string {
    return this.scopes.join('.');
  }

  /** A node name as torch gives it: `<scope>/<Op>`, then `<Op>_1`, `<Op>_2` for repeats in the same scope. */
  nodeName(opType: string): string {
    const base = `${this.nodeScope}/${opType}`;
    const k = this.counters.get(base) ?? 0;
    this.counters.set(base, k + 1);
    return k === 0 ? base : `${base}_${k}`;
  }

  // ---- nodes ----

  /**
   * Appends a node (builders emit in topological order) and returns its output names (`<node>_output_<k>`).
   * `outputs` is a count or explicit names.
   */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const name = this.nodeName(opType);
    const outNames =
      typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => `${name}_output_${k}`) : [...outputs];
    const node = makeNode({ opType, inputs, outputs: outNames, name, attributes });
    this.graph.node.push(node);
    for (const o of outNames) this.producers.set(o, node);
    return outNames;
  }

  /** `op` for the common one-output case. */
  op1(opType: string, inputs: readonly string[], attributes: Attributes = {}): string {
    return this.op(opType, inputs, attributes, 1)[0]!;
  }

  /** The node producing `tensor`, if a node of this builder does. */
  producerOf(tensor: string): NodeProto | undefined {
    return this.producers.get(tensor);
  }

  /**
   * A Constant node holding a literal, as torch emits scalars and shape pieces. Integers default to INT64 (shape
   * arithmetic), others to FLOAT; pass `dataType` to choose.
   */
  constant(value: ConstantValue, dataType?: number): string {
    let dims: number[];
    let values: ArrayLike<number> | ArrayLike<bigint>;
    if (typeof value === 'number' || typeof value === 'bigint') {
      dims = [];
      values = typeof value === 'bigint' ? [value] : [value];
    } else if (Array.isArray(value)) {
      dims = [value.length];
      values = value as number[] | bigint[];
    } else {
      const v = value as { dims: readonly number[]; values: ArrayLike<number> };
      dims = [...v.dims];
      values = v.values;
    }
    const type =
      dataType ??
      (Array.from(values as ArrayLike<number | bigint>).every((x) => typeof x === 'bigint' || Number.isInteger(x))
        ? DataType.INT64
        : DataType.FLOAT);
    const name = this.nodeName('Constant');
    const tensor = makeTensor('', type, dims, values);
    delete tensor.name;
    const node = makeNode({
      opType: 'Constant',
      inputs: [],
      outputs: [`${name}_output_0`],
      name,
      attributes: { value: tensor },
    });
    this.graph.node.push(node);
    this.producers.set(node.output[0]!, node);
    return node.output[0]!;
  }

  /** A FLOAT Constant (whole numbers included), e.g. GELU's 1.0 and 0.5 or LayerNorm's eps. */
  floatConstant(value: number | readonly number[]): string {
    return this.constant(value, DataType.FLOAT);
  }

  // ---- graph I/O ----

  /** Declares a graph input and returns its name. */
  input(name: string, shape: readonly Dim[], dataType: number = DataType.FLOAT): string {
    this.graph.input.push(makeValueInfo(name, dataType, shape));
    return name;
  }

  /**
   * Declares `tensor` as the graph output `name`: the producing node's output is renamed, as torch names
   * outputs after the wrapper's output names. In the export style the declared dims are the exporter's
   * placeholders (`<producer op><name>_dim_<i>`, e.g. `Castlow_res_masks_dim_0`): the TorchScript exporter writes
   * those when its own shape inference loses track of a size, which run-time shape arithmetic makes it do.
   */
  output(name: string, tensor: string, shape: readonly Dim[], dataType: number = DataType.FLOAT): string {
    const node = this.producers.get(tensor);
    if (name !== tensor) {
      if (!node) throw new InternalError(`output "${name}": tensor "${tensor}" has no producer in this builder`);
      node.output = node.output.map((o) => (o === tensor ? name : o));
      for (const n of this.graph.node) n.input = n.input.map((i) => (i === tensor ? name : i));
      this.producers.delete(tensor);
      this.producers.set(name, node);
      for (const [key, value] of this.memo) if (value === tensor) this.memo.set(key, name);
    }
    const declared = this.style === 'export' && node ? shape.map((_, i) => `${node.opType}${name}_dim_${i}`) : shape;
    this.graph.output.push(makeValueInfo(name, dataType, declared));
    return name;
  }

  // ---- parameters ----

  /** Draws the values of a parameter named `fullName` (deterministic from the seed and the name). */
  drawValues(fullName: string, count: number, init: WeightInit): Float32Array {
    if ('values' in init) {
      if (init.values.length !== count)
        throw new InternalError(`${fullName}: ${init.values.length} values given for ${count} elements`);
      return init.values;
    }
    const rng = new SeededRandom(deriveSeed(this.options.seed, fullName));
    if ('std' in init) {
      const { std, mean = 0 } = init;
      return rng.fill(count, (r) => mean + r.truncNormal(std));
    }
    switch (init.init) {
      case 'kaiming': {
        const std = (init.gain ?? Math.SQRT2) / Math.sqrt(init.fanIn);
        return rng.fill(count, (r) => r.truncNormal(std));
      }
      case 'uniform':
        return rng.fill(count, (r) => (2 * r.uniform() - 1) * init.bound);
      case 'ones':
      case 'zeros':
      case 'constant': {
        const base = init.init === 'constant' ? init.value : init.init === 'ones' ? 1 : 0;
        const jitter = init.jitter ?? 0;
        return jitter ? rng.fill(count, (r) => base + r.normal() * jitter) : new Float32Array(count).fill(base);
      }
    }
  }

  /**
   * Adds a float parameter `<paramScope>.<name>` of `dims` as an initializer and returns its name. Values come
   * from `init`; `transform` may edit them before they are stored (used to plant outliers).
   */
  weight(name: string, dims: readonly number[], init: WeightInit, transform?: (values: Float32Array) => void): string {
    const fullName = this.paramScope ? `${this.paramScope}.${name}` : name;
    const count = dims.reduce((a, b) => a * b, 1);
    const values = this.drawValues(fullName, count, init);
    transform?.(values);
    return this.initializer(fullName, dims, values);
  }

  /** Adds an initializer with exact values under an exact name (e.g. a shared table) and returns its name. */
  initializer(
    fullName: string,
    dims: readonly number[],
    values: Float32Array | ArrayLike<number>,
    dataType: number = DataType.FLOAT,
  ): string {
    if (this.initializerNames.has(fullName)) throw new InternalError(`initializer "${fullName}" added twice`);
    this.initializerNames.add(fullName);
    this.graph.initializer.push(makeTensor(fullName, dataType, dims, values));
    if (dataType === DataType.FLOAT) this.parameterCount += values.length;
    return fullName;
  }

  // ---- result ----

  /** The finished model (opset 17 by default). The builder must not be used afterwards. */
  build(): ModelProto {
    return makeModel({
      graph: this.graph,
      opset: this.options.opset ?? 17,
      producerName: this.options.producerName ?? 'tamkit-zoo',
      producerVersion: this.options.producerVersion ?? '0.1.0',
    });
  }
}
