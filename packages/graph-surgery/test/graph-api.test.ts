/** The editable graph: order, producers/consumers, unique names, edits and cleanup, checked by running in ORT. */
import { describe, expect, it } from 'vitest';
import {
  DataType,
  emptyGraph,
  encodeModel,
  Graph,
  type GraphProto,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  ToolkitError,
} from '../src/index.js';
import { ort, runModel, tensorBytes } from './helpers/ort.js';

/** y = relu(x * 2) + x, with a dead branch and an unused initializer, nodes stored out of order. */
function sampleGraph(): GraphProto {
  const g = emptyGraph('sample');
  g.input.push(makeValueInfo('x', DataType.FLOAT, [4]));
  g.output.push(makeValueInfo('y', DataType.FLOAT, [4]));
  g.initializer.push(makeTensor('two', DataType.FLOAT, [], [2]));
  g.initializer.push(makeTensor('unused', DataType.FLOAT, [3], [1, 2, 3]));
  g.node.push(makeNode({ opType: 'Add', inputs: ['r', 'x'], outputs: ['y'], name: 'add' }));
  g.node.push(makeNode({ opType: 'Relu', inputs: ['m'], outputs: ['r'], name: 'relu' }));
  g.node.push(makeNode({ opType: 'Mul', inputs: ['x', 'two'], outputs: ['m'], name: 'mul' }));
  g.node.push(makeNode({ opType: 'Neg', inputs: ['m'], outputs: ['dead'], name: 'dead_neg' }));
  return g;
}

const feeds = () => ({ x: new ort.Tensor('float32', Float32Array.from([-1, 0.5, 2, -3]), [4]) });

describe('Graph', () => {
  it('orders nodes topologically, keeping file order among independent nodes', () => {
    const graph = new Graph(sampleGraph());
    expect(graph.topologicalOrder().map((n) => n.name)).toEqual(['mul', 'relu', 'add', 'dead_neg']);
  });

  it('finds producers and consumers of a tensor', () => {
    const graph = new Graph(sampleGraph());
    expect(graph.producerOf('m')?.name).toBe('mul');
    expect(
      graph
        .consumersOf('m')
        .map((n) => n.name)
        .sort(),
    ).toEqual(['dead_neg', 'relu']);
    expect(
      graph
        .consumersOf('x')
        .map((n) => n.name)
        .sort(),
    ).toEqual(['add', 'mul']);
    expect(graph.producerOf('x')).toBeUndefined();
  });

  it('hands out names that collide with no tensor or node', () => {
    const graph = new Graph(sampleGraph());
    const a = graph.uniqueName('m');
    const b = graph.uniqueName('m');
    expect(new Set([a, b, 'm']).size).toBe(3);
    expect(graph.uniqueName('fresh')).toBe('fresh');
  });

  it('removes dead nodes and unused initializers without changing outputs', async () => {
    const proto = sampleGraph();
    const graph = new Graph(proto);
    graph.sortTopologically();
    const before = await runModel(encodeModel(makeModel({ graph: structuredClone(proto) })), feeds());
    expect(graph.cleanup()).toEqual({ nodes: 1, initializers: 1 });
    expect(proto.node.map((n) => n.name)).toEqual(['mul', 'relu', 'add']);
    const after = await runModel(encodeModel(makeModel({ graph: proto })), feeds());
    expect(Buffer.compare(tensorBytes(after.y!), tensorBytes(before.y!))).toBe(0);
  });

  it('inserts a node after its producers and rewires consumers, computing what the edit says', async () => {
    const proto = sampleGraph();
    const graph = new Graph(proto);
    graph.sortTopologically();
    const half = graph.addInitializer(makeTensor('half', DataType.FLOAT, [], [0.5]));
    const scale = graph.addNode({ opType: 'Mul', inputs: ['r', half.name!] });
    graph.replaceAllUses('r', scale.output[0]!, { except: [scale] });
    const out = await runModel(encodeModel(makeModel({ graph: proto })), feeds());
    const x = [-1, 0.5, 2, -3];
    expect(Array.from(out.y!.data as Float32Array)).toEqual(x.map((v) => Math.max(0, v * 2) * 0.5 + v));
  });

  it('BAD CALL - reports a cycle instead of looping', () => {
    const g = emptyGraph('cycle');
    g.node.push(makeNode({ opType: 'Relu', inputs: ['b'], outputs: ['a'], name: 'n1' }));
    g.node.push(makeNode({ opType: 'Relu', inputs: ['a'], outputs: ['b'], name: 'n2' }));
    expect(() => new Graph(g).topologicalOrder()).toThrow(ToolkitError);
  });

  it('counts tensors read inside subgraphs as uses of the outer tensor', () => {
    const g = sampleGraph();
    const body = emptyGraph('then');
    body.output.push(makeValueInfo('t_out', DataType.FLOAT, [4]));
    body.node.push(makeNode({ opType: 'Identity', inputs: ['dead'], outputs: ['t_out'] }));
    g.initializer.push(makeTensor('cond', DataType.BOOL, [], [1]));
    g.node.push(
      makeNode({
        opType: 'If',
        inputs: ['cond'],
        outputs: ['z'],
        name: 'if',
        attributes: { then_branch: body, else_branch: body },
      }),
    );
    g.output.push(makeValueInfo('z', DataType.FLOAT, [4]));
    const graph = new Graph(g);
    expect(graph.consumersOf('dead').map((n) => n.name)).toEqual(['if']);
    graph.cleanup();
    expect(g.node.some((n) => n.name === 'dead_neg')).toBe(true);
  });
});
