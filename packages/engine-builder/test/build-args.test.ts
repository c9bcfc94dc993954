import { describe, expect, it } from 'vitest';
import {
  buildTrtexecArgs,
  formatCommandLine,
  type GraphView,
  parseShapeList,
  type ResolvedPlan,
  runTrtexecArgs,
} from '../src/index.js';

const graph: GraphView = {
  inputs: ['x'],
  outputs: ['y'],
  nodes: [
    { name: '/a/Softmax', opType: 'Softmax', inputs: ['x'], outputs: ['s'] },
    { name: 'ns::weird:name', opType: 'MatMul', inputs: ['s'], outputs: ['m'] },
    { name: '', opType: 'Add', inputs: ['m'], outputs: ['y'] },
  ],
};

function plan(fp32Nodes: string[], outputTypes?: ResolvedPlan['outputTypes']): ResolvedPlan {
  return {
    defaultPrecision: 'fp16',
    fp32Nodes,
    reasons: {},
    outputTypes: outputTypes ?? fp32Nodes.map((node) => ({ node, types: ['fp32'] })),
    blockOps: [],
    keepIoTypes: true,
    unmatched: [],
  };
}

const base = { path: 10 as const, onnxPath: 'm.onnx', enginePath: 'e.plan', graph };

describe('buildTrtexecArgs', () => {
  it('quotes a layer name that contains colons, which trtexec splits on the last colon', () => {
    const args = buildTrtexecArgs({ ...base, plan: plan(['ns::weird:name']) });
    expect(args).toContain("--layerPrecisions='ns::weird:name':fp32");
    expect(args).toContain("--layerOutputTypes='ns::weird:name':fp32");
  });

  it.each([
    ['a,b', /contains a comma/],
    ["it's", /single quote/],
    ['tab\there', /control character/],
    ['*', /every layer/],
  ])('BAD INPUT - refuses layer name %j that breaks the name:type syntax', (name, message) => {
    const g: GraphView = { ...graph, nodes: [{ name, opType: 'Relu', inputs: ['x'], outputs: ['y'] }] };
    expect(() => buildTrtexecArgs({ ...base, graph: g, plan: plan([name]) })).toThrow(message);
  });

  it('joins multiple output types with + and lists only the precision flag when nothing is pinned', () => {
    const args = buildTrtexecArgs({ ...base, plan: plan([], [{ node: '/a/Softmax', types: ['fp32', 'fp16'] }]) });
    expect(args).toContain('--layerOutputTypes=/a/Softmax:fp32+fp16');
    expect(args.some((a) => a.startsWith('--layerPrecisions'))).toBe(false);
    expect(buildTrtexecArgs({ ...base, plan: plan([]) })).toEqual([
      '--onnx=m.onnx',
      '--saveEngine=e.plan',
      '--fp16',
      '--skipInference',
    ]);
  });

  it('writes shape profiles, scalars included, and the device, verbose and extra flags in a fixed order', () => {
    const args = buildTrtexecArgs({
      ...base,
      plan: plan([]),
      shapes: {
        min: { memory: [1024, 1, 64], num_obj_ptr_tokens: [] },
        opt: { memory: [4096, 1, 64] },
        max: { memory: [7232, 1, 64] },
      },
      timingCachePath: '/c/t.cache',
      layerInfoPath: 'layers.json',
      device: 1,
      verbose: true,
      extraArgs: ['--memPoolSize=workspace:4096'],
    });
    expect(args).toEqual([
      '--onnx=m.onnx',
      '--saveEngine=e.plan',
      '--fp16',
      '--minShapes=memory:1024x1x64,num_obj_ptr_tokens:scalar',
      '--optShapes=memory:4096x1x64',
      '--maxShapes=memory:7232x1x64',
      '--timingCacheFile=/c/t.cache',
      '--profilingVerbosity=detailed',
      '--exportLayerInfo=layers.json',
      '--skipInference',
      '--device=1',
      '--verbose',
      '--memPoolSize=workspace:4096',
    ]);
  });

  it('BAD INPUT - refuses precision flags on TensorRT 11 and extra flags engine-builder manages itself', () => {
    expect(() => buildTrtexecArgs({ ...base, path: 11, plan: plan([]), extraArgs: ['--fp16'] })).toThrow(
      /TensorRT 11 removed --fp16/,
    );
    expect(() => buildTrtexecArgs({ ...base, plan: plan([]), extraArgs: ['--saveEngine=/tmp/x'] })).toThrow(
      /conflicts/,
    );
  });
});

describe('runTrtexecArgs', () => {
  it('loads the engine and asks for the exports and percentiles requested', () => {
    expect(
      runTrtexecArgs('/e/engine.plan', {
        shapes: { memory: [7232, 1, 64] },
        iterations: 100,
        warmUpMs: 500,
        durationS: 0,
        percentiles: [50, 99.9],
        useCudaGraph: true,
        noDataTransfers: true,
        exportTimesPath: 't.json',
        exportProfilePath: 'p.json',
        exportOutputPath: 'o.json',
      }),
    ).toEqual([
      '--loadEngine=/e/engine.plan',
      '--shapes=memory:7232x1x64',
      '--iterations=100',
      '--warmUp=500',
      '--duration=0',
      '--percentile=50,99.9',
      '--useCudaGraph',
      '--noDataTransfers',
      '--exportTimes=t.json',
      '--separateProfileRun',
      '--exportProfile=p.json',
      '--exportOutput=o.json',
    ]);
  });

  it('BAD INPUT - rejects out-of-range percentiles and negative iteration counts', () => {
    expect(() => runTrtexecArgs('e', { percentiles: [101] })).toThrow(/\[0, 100\]/);
    expect(() => runTrtexecArgs('e', { iterations: -1 })).toThrow(/--iterations must be a non-negative number/);
  });
});

describe('shape lists and command display', () => {
  it('parses the CLI shape syntax back into a record, quoted names included', () => {
    expect(parseShapeList("memory:7232x1x64,'a:b':1x2,n:scalar", '--opt-shapes')).toEqual({
      memory: [7232, 1, 64],
      'a:b': [1, 2],
      n: [],
    });
    expect(() => parseShapeList('memory=7', '--opt-shapes')).toThrow(/cannot read "memory=7" as name:AxBxC/);
  });

  it('quotes arguments for display only where a shell would need it', () => {
    expect(
      formatCommandLine('/opt/trt/bin/trtexec', ['--onnx=/m.onnx', "--layerPrecisions='a:b':fp32", '--x=a b']),
    ).toBe(`/opt/trt/bin/trtexec --onnx=/m.onnx '--layerPrecisions='\\''a:b'\\'':fp32' '--x=a b'`);
  });
});
