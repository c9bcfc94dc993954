import { describe, expect, it } from 'vitest';
import {
  onnxNodesFromLayerName,
  onnxNodesFromMetadata,
  parseBuildLog,
  parseLayerInfo,
  parseTrtVersion,
  reportLayerPrecisions,
  tensorTypeFromText,
} from '../src/index.js';
import { fixture } from './helpers/fixtures.js';

const B0 = '/image_encoder/trunk/blocks.0';
const B2 = '/image_encoder/trunk/blocks.2';

describe('parseLayerInfo', () => {
  it('reads a 10.x detailed export: types from Format/Datatype, tactics, bindings, ONNX nodes from metadata', () => {
    const info = parseLayerInfo(fixture('trtexec-10/layers-detailed.json'));
    expect(info.verbosity).toBe('detailed');
    expect(info.ioTensors.map((t) => t.name)).toEqual(['image', 'vision_features', 'vision_pos_enc']);
    const conv = info.layers[1]!;
    expect(conv.layerType).toBe('CaskConvolution');
    expect(conv.outputs[0]!.dataType).toBe('fp16');
    expect(conv.outputs[0]!.dimensions).toEqual([1, 192, 32, 32]);
    expect(conv.tacticName).toMatch(/^sm90_xmma_fprop/);
    expect(conv.onnxNodes).toEqual(['/image_encoder/trunk/patch_embed/proj/Conv']);
  });

  it('splits fused-layer metadata on U+001E and Myelin-kernel metadata on U+001F, once per node', () => {
    const info = parseLayerInfo(fixture('trtexec-10/layers-detailed.json'));
    const fused = info.layers.find((l) => l.name.includes(' + '))!;
    expect(fused.onnxNodes).toEqual(['/image_encoder/neck/convs.0/norm/Sub', '/image_encoder/neck/convs.0/norm/Pow']);
    const mha = info.layers.find((l) => l.name === '_gemm_mha_v2_myl3_5')!;
    // The fixture lists Softmax twice (one node can appear in several kernels); it is reported once.
    expect(mha.onnxNodes).toEqual([`${B0}/attn/MatMul`, `${B0}/attn/Softmax`, `${B0}/attn/MatMul_1`]);
    expect(onnxNodesFromMetadata('[ONNX Layer: a]\u001e[ONNX Layer: b]\u001f[ONNX Layer: a]')).toEqual(['a', 'b']);
  });

  it('recovers the end nodes of a ForeignNode region that has no metadata', () => {
    const info = parseLayerInfo(fixture('trtexec-10/layers-detailed.json'));
    const region = info.layers.find((l) => l.name.startsWith('{ForeignNode'))!;
    expect(region.foreignNodeRange).toEqual([`${B2}/attn/Mul`, `${B2}/attn/MatMul_1`]);
  });

  it('reads a names-only export as layers without types', () => {
    const info = parseLayerInfo(fixture('trtexec-10/layers-names-only.json'));
    expect(info.verbosity).toBe('names-only');
    expect(info.layers).toHaveLength(8);
    expect(info.layers[1]!.onnxNodes).toEqual(['/image_encoder/trunk/patch_embed/proj/Conv']);
    expect(info.layers[0]!.inputs).toEqual([]);
  });

  it('reads an 11.x export: I/O Tensors instead of Bindings, DataType split from Format, raw control characters', () => {
    const info = parseLayerInfo(fixture('trtexec-11/layers-detailed.json'));
    expect(info.ioTensors).toEqual([
      { name: 'image', mode: 'Input', dataType: 'fp32', dimensions: [1, 3, 512, 512] },
      { name: 'vision_features', mode: 'Output', dataType: 'fp32', dimensions: [1, 256, 32, 32] },
    ]);
    const mha = info.layers[1]!;
    expect(mha.inputs.map((t) => t.dataType)).toEqual(['fp16', 'fp16']);
    expect(mha.inputs[0]!.format).toBe('Row major linear FP16 format (kLINEAR)');
    expect(mha.onnxNodes).toEqual([`${B0}/attn/MatMul`, `${B0}/attn/Softmax`, `${B0}/attn/MatMul_1`]);
  });

  it('maps layer names of helpers that compute no ONNX node to none, and unwraps fused names', () => {
    // Names as TensorRT 10.16 prints them (cookbook 04-Feature/EngineInspector log) and as public reports quote them.
    for (const [name, type] of [
      ['__mye260_0_myl5_0', 'shape_call'],
      ['dummy_shape_call__mye4273_0_myl87_0', undefined],
      ['__myl_Cast_myl5_7', 'kgen'],
      ['Reformatting CopyNode for Output Tensor 0 to /model.9/cv1/conv/Conv', 'NoOp'],
      ['/model.2/Split_output_0 copy', 'Reformat'],
      ['(Unnamed Layer* 32) [Shuffle]', undefined],
    ] as const) {
      expect([name, onnxNodesFromLayerName(name, type).nodes]).toEqual([name, []]);
    }
    expect(onnxNodesFromLayerName('PWN(PWN(/model.0/act/Sigmoid), PWN(/model.0/act/Mul))').nodes).toEqual([
      '/model.0/act/Sigmoid',
      '/model.0/act/Mul',
    ]);
    expect(onnxNodesFromLayerName('/m.0/cv1/conv/Conv || /m.0/cv2/conv/Conv').nodes).toEqual([
      '/m.0/cv1/conv/Conv',
      '/m.0/cv2/conv/Conv',
    ]);
    expect(onnxNodesFromLayerName('node_conv2d + node_relu [profile 1]').nodes).toEqual(['node_conv2d', 'node_relu']);
  });

  it('normalises TensorRT type words', () => {
    expect(tensorTypeFromText('Channel major FP16 format where channel % 8 == 0')).toBe('fp16');
    expect(tensorTypeFromText('Row major linear FP32')).toBe('fp32');
    expect(tensorTypeFromText('BFloat16')).toBe('bf16');
    expect(tensorTypeFromText('Half')).toBe('fp16');
    expect(tensorTypeFromText('Row major Int32 format')).toBe('int32');
    expect(tensorTypeFromText(undefined)).toBe('unknown');
  });

  it('BAD INPUT - truncated or wrong-shaped layer information is a clear error', () => {
    const text = fixture('trtexec-10/layers-detailed.json');
    expect(() => parseLayerInfo(text.slice(0, 500))).toThrow(/truncated/);
    expect(() => parseLayerInfo('{"Bindings": []}')).toThrow(/no "Layers" array/);
    expect(() => parseLayerInfo('{"Layers": [{"LayerType": "Reformat"}]}')).toThrow(/layer 0 has no "Name"/);
    expect(() => parseLayerInfo('{"Layers": [{"Name": "x", "Inputs": [{"Dimensions": []}]}]}')).toThrow(
      /Inputs\[0\] has no "Name"/,
    );
  });
});

describe('reportLayerPrecisions', () => {
  const pinned = [
    `${B0}/norm1/LayerNormalization`,
    `${B0}/attn/MatMul`,
    `${B0}/attn/Softmax`,
    `${B2}/attn/MatMul`,
    `${B2}/attn/Softmax`,
    '/image_encoder/neck/convs.0/norm/ReduceMean',
    '/image_encoder/neck/convs.0/norm/Pow',
  ];

  it('flags a fused _gemm_mha_v2 kernel that runs in FP16 over pinned attention nodes', () => {
    const report = reportLayerPrecisions(parseLayerInfo(fixture('trtexec-10/layers-detailed.json')), pinned);
    const finding = report.findings.find((f) => f.layer === '_gemm_mha_v2_myl3_5')!;
    expect(finding.kind).toBe('fused-kernel-low-precision');
    expect(finding.pinnedNodes).toEqual([`${B0}/attn/MatMul`, `${B0}/attn/Softmax`]);
    expect(finding.detail).toMatch(/fused attention kernel runs in fp16/);
  });

  it('flags a Myelin ForeignNode region over pinned nodes once the model order expands its range', () => {
    const info = parseLayerInfo(fixture('trtexec-10/layers-detailed.json'));
    const order = [
      '/x',
      `${B2}/attn/q_proj/MatMul`,
      `${B2}/attn/Mul`,
      `${B2}/attn/Mul_1`,
      `${B2}/attn/MatMul`,
      `${B2}/attn/Softmax`,
      `${B2}/attn/MatMul_1`,
      '/y',
    ];
    const withoutOrder = reportLayerPrecisions(info, pinned);
    expect(withoutOrder.findings.some((f) => f.layer.startsWith('{ForeignNode'))).toBe(false);
    expect(withoutOrder.pinnedNotFound).toContain(`${B2}/attn/Softmax`);
    const withOrder = reportLayerPrecisions(info, pinned, order);
    const region = withOrder.findings.find((f) => f.layer.startsWith('{ForeignNode'))!;
    expect(region.kind).toBe('fused-kernel-low-precision');
    expect(region.pinnedNodes).toEqual([`${B2}/attn/MatMul`, `${B2}/attn/Softmax`]);
    expect(withOrder.layers.find((l) => l.name.startsWith('{ForeignNode'))!.fusion).toBe('myelin-region');
  });

  it('flags an ordinary pinned layer with FP16 outputs, and not one whose outputs are FP32', () => {
    const report = reportLayerPrecisions(parseLayerInfo(fixture('trtexec-10/layers-detailed.json')), pinned);
    const kinds = Object.fromEntries(report.findings.map((f) => [f.layer, f.kind]));
    expect(kinds['/image_encoder/neck/convs.0/norm/ReduceMean']).toBe('pinned-layer-low-precision');
    // Sub + Pow reads FP16 but writes FP32: its own output honours the pin.
    expect(kinds['/image_encoder/neck/convs.0/norm/Sub + /image_encoder/neck/convs.0/norm/Pow']).toBeUndefined();
    expect(kinds[`${B0}/norm1/LayerNormalization`]).toBeUndefined();
    const row = report.layers.find((l) => l.name === `${B0}/norm1/LayerNormalization`)!;
    expect(row.precision).toBe('fp32');
    expect(row.pinnedNodes).toEqual([`${B0}/norm1/LayerNormalization`]);
  });

  it('reports nothing when no node is pinned, and an FP32 Myelin kernel over pinned nodes is fine', () => {
    expect(reportLayerPrecisions(parseLayerInfo(fixture('trtexec-10/layers-detailed.json')), []).findings).toEqual([]);
    const report = reportLayerPrecisions(parseLayerInfo(fixture('trtexec-11/layers-detailed.json')), [
      `${B2}/attn/Softmax`,
      `${B0}/attn/Softmax`,
    ]);
    expect(report.findings.map((f) => f.layer)).toEqual(['_gemm_mha_v2_myl0_7']);
    expect(report.layers[2]!.precision).toBe('fp32');
  });

  it('says precisions are unknown for names-only layer information', () => {
    const report = reportLayerPrecisions(parseLayerInfo(fixture('trtexec-10/layers-names-only.json')), pinned);
    expect(report.findings).toEqual([]);
    expect(report.layers.every((l) => l.precision === 'unknown')).toBe(true);
    expect(report.notes.join(' ')).toMatch(/profilingVerbosity=detailed/);
  });
});

describe('parseBuildLog (our written 10.3 fixture: "Fastest Tactic" at the start of a line)', () => {
  it('reads the tactic chosen per format combination and its time', () => {
    const log = parseBuildLog(fixture('trtexec-10/build-verbose.log'));
    expect(log.outcome).toBe('passed');
    expect(log.tacticChoices).toHaveLength(2);
    expect(log.tacticChoices[0]).toMatchObject({
      layer: '/image_encoder/trunk/patch_embed/proj/Conv',
      trials: [
        { format: 'Float(786432,262144,512,1) -> Float(196608,1024,32,1)', source: 'timed' },
        {
          format: 'Half(786432,262144,512,1) -> Half(196608,1024,32,1)',
          source: 'timed',
          runnerType: 'CaskConvolution',
          tactic: '0x7b1c3a5e2d4f6a80',
          timeMs: 0.0201,
        },
      ],
      engineTactic: '0x7b1c3a5e2d4f6a80',
    });
    expect(log.tacticChoices[1]!.trials[0]!.runnerType).toBe('Myelin');
  });

  it('reads the engine layer lines, including tensor lists whose names contain commas and spaces', () => {
    const log = parseBuildLog(fixture('trtexec-10/build-verbose.log'));
    expect(log.engineLayers.map((l) => l.layerType)).toEqual(['Reformat', 'CaskConvolution', 'Myelin']);
    const myelin = log.engineLayers[2]!;
    expect(myelin.inputs).toEqual([
      { name: '/image_encoder/trunk/patch_embed/proj/Conv_output_0', type: 'Half', dims: '1,192,32,32' },
      { name: '(Unnamed Layer* 12) [Constant]_output', type: 'Half', dims: '1,1,1' },
    ]);
    expect(myelin.outputs.map((t) => t.type)).toEqual(['Float', 'Float']);
    expect(log.warnings.some((w) => w.includes('layernorm nodes in FP16'))).toBe(true);
  });

  it('BAD INPUT - a log cut off during autotuning is unfinished, keeping what was read; empty input is an error', () => {
    const text = fixture('trtexec-10/build-verbose.log');
    const log = parseBuildLog(text.slice(0, text.indexOf('Tactic: 0x0000000000000000 Time: 0.0884')));
    expect(log.outcome).toBe('unfinished');
    expect(log.tacticChoices[0]!.trials[1]!.tactic).toBe('0x7b1c3a5e2d4f6a80');
    expect(log.engineLayers).toEqual([]);
    expect(() => parseBuildLog('')).toThrow(/the file is empty/);
    expect(() => parseBuildLog('hello\nworld\n')).toThrow(
      /expected a trtexec build log, found text that is not a TensorRT log/,
    );
  });
});

describe('parseTrtVersion', () => {
  it('reads 10.x and 11.x versions from the --help banner', () => {
    expect(parseTrtVersion(fixture('trtexec-10/help-banner.txt'))).toMatchObject({ major: 10, minor: 3, patch: 0 });
    expect(parseTrtVersion(fixture('trtexec-11/help-banner.txt'))).toMatchObject({ major: 11, minor: 4, patch: 0 });
  });

  it('prefers the "TensorRT version:" line and decodes pre-10 banners', () => {
    expect(parseTrtVersion('[TensorRT v100300]\n[I] TensorRT version: 10.3.1\n')).toMatchObject({
      major: 10,
      minor: 3,
      patch: 1,
    });
    expect(parseTrtVersion('&&&& RUNNING TensorRT.trtexec [TensorRT v8601]')).toMatchObject({
      major: 8,
      minor: 6,
      patch: 1,
    });
    expect(parseTrtVersion('usage: something else')).toBeUndefined();
  });
});
