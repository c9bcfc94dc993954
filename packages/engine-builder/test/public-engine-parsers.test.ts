// Layer information and build logs that trtexec wrote (test/fixtures/public/, see each file's .source.json).
// Expected values were read from the files by hand.
import { describe, expect, it } from 'vitest';
import { parseBuildLog, parseLayerInfo, reportLayerPrecisions } from '../src/index.js';
import { fixture } from './helpers/fixtures.js';

describe('parseLayerInfo on real --exportLayerInfo files', () => {
  it('reads TensorRT 10.16.1 detailed info: Myelin gemm/kgen kernels are a Myelin region, empty Metadata maps to no node', () => {
    const info = parseLayerInfo(fixture('public/trt-10.16.1/layers-detailed.json'));
    expect(info.verbosity).toBe('detailed');
    expect(info.ioTensors.map((t) => t.name)).toEqual(['x', 'y', 'z']);
    expect(info.layers.map((l) => l.layerType)).toEqual([
      'CaskConvolution',
      'CaskPooling',
      'CaskConvolution',
      'CaskPooling',
      'gemm',
      'kgen',
      'kgen',
      'kgen',
      'kgen',
    ]);
    expect(info.layers[0]).toMatchObject({ onnxNodes: ['node_conv2d', 'node_relu'], onnxNodesFrom: 'metadata' });
    expect(info.layers[4]).toMatchObject({ name: 'node_linear_myl4_0', onnxNodes: ['node_linear', 'node_relu_2'] });
    const helper = info.layers[8]!;
    expect(helper.name).toBe('__myl_CastReshCast_myl4_4');
    expect(helper.onnxNodes).toEqual([]);
    expect(helper.onnxNodesFrom).toBe('none');

    const report = reportLayerPrecisions(info, ['node_softmax']);
    expect(report.layers.map((l) => l.fusion ?? '-')).toEqual([
      '-',
      '-',
      '-',
      '-',
      'myelin-region',
      'myelin-region',
      'myelin-region',
      'myelin-region',
      'myelin-region',
    ]);
    // An FP32 engine honours every pin.
    expect(report.findings).toEqual([]);
    expect(report.layers.filter((l) => l.pinnedNodes.length > 0).map((l) => l.name)).toEqual([
      '__myl_AddMaxrSubExpSum_myl4_2',
      '__myl_DivMulMaxr_myl4_3',
    ]);
  });

  it('maps TensorRT 8.4 reformatting layers (no Metadata) to no node, and flags only the real FP16 layers over pins', () => {
    const info = parseLayerInfo(fixture('public/trt-8.4/resnet-fp16.graph.json'));
    const reformat = info.layers[0]!;
    expect(reformat.name).toBe('Reformatting CopyNode for Input Tensor 0 to Conv_0 + Relu_1');
    expect(reformat.onnxNodes).toEqual([]);
    expect(reformat.noNodeReason).toMatch(/reformatting layer/);
    expect(info.layers[1]!.onnxNodes).toEqual(['Conv_0', 'Relu_1']);

    // The reformatting layers next to Relu_1 and Relu_7 write FP16 too, but compute no ONNX node.
    const report = reportLayerPrecisions(info, ['Relu_1', 'Relu_7']);
    expect(report.findings.map((f) => [f.layer, f.kind, f.pinnedNodes])).toEqual([
      ['Conv_0 + Relu_1', 'pinned-layer-low-precision', ['Relu_1']],
      ['Conv_5 + Add_6 + Relu_7', 'pinned-layer-low-precision', ['Relu_7']],
    ]);
  });

  it('maps TensorRT 8.6.0 names-only Reformatting and Unnamed layers to no node', () => {
    const info = parseLayerInfo(fixture('public/trt-8.6.0/layers-names-only.json'));
    expect(info.verbosity).toBe('names-only');
    expect(info.layers).toHaveLength(15);
    const nodes = Object.fromEntries(info.layers.map((l) => [l.name, l.onnxNodes]));
    expect(nodes['Reformatting CopyNode for Input Tensor 0 to Conv-1 + ReLU-2']).toEqual([]);
    expect(nodes['Reformatting CopyNode for Input Tensor 0 to MatMul-9 + ReLU-11']).toEqual([]);
    expect(nodes['(Unnamed Layer* 32) [Shuffle]']).toEqual([]);
    expect(nodes['Conv-1 + ReLU-2']).toEqual(['Conv-1', 'ReLU-2']);
    expect(nodes['Transpose-7 + Reshape-7 + reshape_before_MatMul-9']).toEqual([
      'Transpose-7',
      'Reshape-7',
      'reshape_before_MatMul-9',
    ]);
    const report = reportLayerPrecisions(info, ['ReLU-2']);
    expect(report.layers.filter((l) => l.pinnedNodes.length > 0).map((l) => l.name)).toEqual(['Conv-1 + ReLU-2']);
  });
});

describe('parseBuildLog on real verbose build logs', () => {
  it('finds every TensorRT 8.6.0 block despite its empty "Computing costs for" header, with mid-line fastest times', () => {
    const log = parseBuildLog(fixture('public/trt-8.6.0/build-fp16-verbose.log'));
    expect(log.outcome).toBe('passed');
    expect(log.banner).toBe('v8600');
    expect(log.tacticChoices.map((c) => c.layer)).toEqual([
      'Conv-1 + ReLU-2',
      'MaxPool-3',
      'reshape_after_MatMul-12',
      'Softmax-14 + ArgMax-15',
      '(Unnamed Layer* 32) [Shuffle]',
    ]);
    const conv = log.tacticChoices[0]!;
    expect(conv.line).toBe(14);
    expect(conv.trials).toHaveLength(10);
    expect(conv.trials[0]).toEqual({
      format: 'Float(784,784,28,1) -> Float(25088,784,28,1)',
      source: 'timed',
      runnerType: 'CaskConvolution',
      tactic: '0x5b8bf1b8028629d9',
      timeMs: 0.00569811,
    });
    // "Half(784,784,28,1) -> Half(25088,784,28,1)": every runner skipped, no tactic.
    expect(conv.trials[4]).toEqual({ format: 'Half(784,784,28,1) -> Half(25088,784,28,1)', source: 'timed' });
    expect(conv.engineTactic).toBe('0x98e92db98836b738');
    expect(conv.selected).toMatchObject({ format: 'Half(784,1:2,28,1) -> Half(12544,1:2,448,16)', timeMs: 0.00437721 });
    // Five format combinations chose Shuffle 0x0; the engine's Float(-1,10,1,1) -> Float(-1,10) picks the first.
    expect(log.tacticChoices[2]!.selected).toMatchObject({
      format: 'Float(10,1,1,1) -> Float(10,1)',
      timeMs: 0.00231823,
    });
    expect(log.warnings).toHaveLength(4);
  });

  it('reads TensorRT 8.6 Engine Layer Information tensors written as "name (Float[-1,1,28,28])"', () => {
    const log = parseBuildLog(fixture('public/trt-8.6.0/build-fp16-verbose.log'));
    expect(log.engineLayers).toHaveLength(15);
    expect(log.engineLayers[0]).toEqual({
      layerType: 'Reformat',
      name: 'Reformatting CopyNode for Input Tensor 0 to Conv-1 + ReLU-2',
      tactic: '0x0000000000000000',
      inputs: [{ name: 'tensor-0', type: 'Float', dims: '-1,1,28,28' }],
      outputs: [{ name: 'Reformatted Input Tensor 0 to Conv-1 + ReLU-2', type: 'Half', dims: '-1,1:2,28,28' }],
      line: 424,
    });
    expect(log.engineLayers[13]!.outputs).toEqual([
      { name: '(Unnamed Layer* 28) [TopK]_output_1', type: 'Float', dims: '-1,1' },
      { name: '(Unnamed Layer* 28) [TopK]_output_2', type: 'Int32', dims: '-1,1' },
    ]);
  });

  it('reads a TensorRT 10.16.1 log with a timing cache as complete: "got cached result" blocks have a choice and a time', () => {
    const log = parseBuildLog(fixture('public/trt-10.16.1/build-fp16-verbose.log'));
    expect(log.outcome).toBe('passed');
    expect(log.tacticChoices.map((c) => c.layer)).toEqual([
      'node_max_pool2d',
      '{ForeignNode[node_conv2d...node_relu]}',
      'node_max_pool2d',
      'node_conv2d + node_relu',
      'node_max_pool2d',
      'node_conv2d_1 + node_relu_1',
      'node_max_pool2d_1',
    ]);
    expect(log.tacticChoices[0]!.trials.map((t) => t.timeMs)).toEqual([0.00294885, 0.00372419, 0.00366309, 0.00332237]);
    const myelin = log.tacticChoices[1]!;
    expect(myelin.trials.map((t) => t.tactic)).toEqual(['0x0000000000000000', undefined, undefined]);
    expect(myelin.selected).toMatchObject({ runnerType: 'Myelin', timeMs: 0.00534586 });
    const cached = log.tacticChoices[6]!;
    expect(cached.trials.every((t) => t.source === 'timing-cache')).toBe(true);
    expect(cached.selected).toEqual({
      format: 'Half(1568,1:8,112,8) -> Half(392,1:8,56,8)',
      source: 'timing-cache',
      runnerType: 'CaskPooling',
      tactic: '0xf9ae51e35ff7f5db',
      timeMs: 0.00330556,
    });
    expect(log.engineLayers[0]!.inputs).toEqual([{ name: 'x', type: 'Float', dims: '-1,1,28,28' }]);
    expect(log.engineLayers[5]!.outputs).toEqual([
      { name: 'y', type: 'Float', dims: '-1,10' },
      { name: 'z', type: 'Int64', dims: '-1' },
    ]);
  });

  it('flags a TensorRT 10.16.0 build that failed on a missing plugin, with the multi-line error records', () => {
    const log = parseBuildLog(fixture('public/trt-10.16.0/build-plugin-failed.log'));
    expect(log.outcome).toBe('failed');
    expect(log.errors).toHaveLength(8);
    expect(log.errors[1]).toMatch(/^ModelImporter\.cpp:140: --- Begin node ---\ninput: "inputT0"\n/);
    expect(log.errors[3]).toBe(
      'ModelImporter.cpp:149: ERROR: onnxOpCheckers.cpp:923 In function checkFallbackPluginImporter:\n' +
        '[6] creator && "Plugin not found, are the plugin name, version, and namespace correct?"',
    );
    expect(log.errors[7]).toBe('Engine set up failed');
  });

  it('flags a TensorRT 8.2.3 build that failed without any error line', () => {
    const log = parseBuildLog(fixture('public/trt-8.2.3/build-failed.log'));
    expect(log.outcome).toBe('failed');
    expect(log.errors).toEqual([]);
  });

  it('BAD INPUT - a log cut off during autotuning is unfinished, keeping what was read', () => {
    const text = fixture('public/trt-10.16.1/build-fp16-verbose.log');
    const log = parseBuildLog(text.slice(0, text.indexOf('Autotuning format combination: Half(784,784,28,1)')));
    expect(log.outcome).toBe('unfinished');
    expect(log.tacticChoices.map((c) => c.layer)).toEqual([
      'node_max_pool2d',
      '{ForeignNode[node_conv2d...node_relu]}',
    ]);
    expect(log.engineLayers).toEqual([]);
  });
});
