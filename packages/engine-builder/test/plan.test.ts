import { describe, expect, it } from 'vitest';
import {
  compileNodePattern,
  type GraphView,
  type PrecisionPlan,
  planForPrecision,
  resolvePlan,
  validatePlan,
} from '../src/index.js';

const graph: GraphView = {
  inputs: ['x'],
  outputs: ['y'],
  nodes: [
    { name: '/enc/blocks.0/attn/MatMul', opType: 'MatMul', inputs: ['x'], outputs: ['a'] },
    { name: '/enc/blocks.0/attn/Softmax', opType: 'Softmax', inputs: ['a'], outputs: ['b'] },
    { name: '/enc/blocks.0/attn/MatMul_1', opType: 'MatMul', inputs: ['b'], outputs: ['c'] },
    { name: '/enc/blocks.1/attn/Softmax', opType: 'Softmax', inputs: ['c'], outputs: ['d'] },
    { name: '/enc/split', opType: 'Split', inputs: ['d'], outputs: ['e', 'f'] },
    { name: '', opType: 'Add', inputs: ['e', 'f'], outputs: ['y'] },
  ],
};

describe('validatePlan', () => {
  it('accepts a complete plan and returns it typed', () => {
    const plan = validatePlan({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { nodes: ['/a'], patterns: ['*/Softmax', 're:^/enc/'], auto: ['attention'] },
      outputTypes: { '/a': ['fp32'] },
      keepIoTypes: false,
      note: 'from bisect',
    });
    expect(plan.pinFp32?.auto).toEqual(['attention']);
    expect(plan.keepIoTypes).toBe(false);
  });

  it.each([
    [[], /must be a JSON object/],
    [{ schemaVersion: 2, defaultPrecision: 'fp16' }, /"schemaVersion" must be 1/],
    [{ schemaVersion: 1, defaultPrecision: 'int8' }, /"defaultPrecision" must be one of fp32, fp16, bf16/],
    [{ schemaVersion: 1, defaultPrecision: 'fp16', pinFP32: {} }, /unknown field\(s\) "pinFP32"/],
    [
      { schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { auto: ['softmax'] } },
      /accepts attention, normalization, mixed; got softmax/,
    ],
    [
      { schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { patterns: ['re:(unclosed'] } },
      /not a valid regular expression/,
    ],
    [{ schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { nodes: [''] } }, /non-empty strings/],
    [{ schemaVersion: 1, defaultPrecision: 'fp16', outputTypes: { '/a': ['fp64'] } }, /"outputTypes.\/a" must be/],
    [{ schemaVersion: 1, defaultPrecision: 'fp32', pinFp32: { nodes: ['/a'] } }, /already fp32/],
  ])('BAD INPUT - rejects %j with a message naming the problem', (value, message) => {
    expect(() => validatePlan(value, 'plan.json')).toThrow(message);
    try {
      validatePlan(value, 'plan.json');
    } catch (error) {
      expect((error as { code: string }).code).toBe('PLAN_INVALID');
      expect((error as { remedy: string }).remedy).toMatch(/README/);
    }
  });
});

describe('resolvePlan', () => {
  it('pins exact names and glob matches in graph order, with the reason for each', () => {
    const plan = validatePlan({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { nodes: ['/enc/blocks.0/attn/MatMul'], patterns: ['*/Softmax'] },
    });
    const r = resolvePlan(plan, graph);
    expect(r.fp32Nodes).toEqual([
      '/enc/blocks.0/attn/MatMul',
      '/enc/blocks.0/attn/Softmax',
      '/enc/blocks.1/attn/Softmax',
    ]);
    expect(r.reasons['/enc/blocks.1/attn/Softmax']).toEqual(['pattern:*/Softmax']);
    expect(r.outputTypes).toEqual(r.fp32Nodes.map((node) => ({ node, types: ['fp32'] })));
  });

  it('gives a pinned multi-output node one FP32 type per output, and explicit output types win', () => {
    const plan = validatePlan({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { nodes: ['/enc/split'] },
      outputTypes: { '/enc/blocks.0/attn/MatMul_1': ['fp16'] },
    });
    const r = resolvePlan(plan, graph);
    expect(r.outputTypes).toEqual([
      { node: '/enc/blocks.0/attn/MatMul_1', types: ['fp16'] },
      { node: '/enc/split', types: ['fp32', 'fp32'] },
    ]);
  });

  it('takes auto pins from the finder it is given, and lists families and patterns that matched nothing', () => {
    const plan: PrecisionPlan = {
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { auto: ['attention', 'normalization'] },
    };
    const r = resolvePlan(plan, graph, (kind) =>
      kind === 'attention' ? ['/enc/blocks.1/attn/Softmax', '/enc/blocks.0/attn/MatMul'] : [],
    );
    expect(r.fp32Nodes).toEqual(['/enc/blocks.0/attn/MatMul', '/enc/blocks.1/attn/Softmax']);
    expect(r.unmatched).toEqual(['auto:normalization']);
  });

  it("--precision mixed pins graph-surgery's mixed preset, keeping the reason the finder gives for each node", () => {
    const plan = planForPrecision('mixed');
    expect(plan.pinFp32).toEqual({ auto: ['mixed'] });
    const r = resolvePlan(plan, graph, (kind) =>
      kind === 'mixed' ? [{ node: '/enc/blocks.1/attn/Softmax', reason: 'attention softmax' }] : [],
    );
    expect(r.fp32Nodes).toEqual(['/enc/blocks.1/attn/Softmax']);
    expect(r.reasons).toEqual({ '/enc/blocks.1/attn/Softmax': ['auto:mixed (attention softmax)'] });
  });

  it('an FP32 plan pins nothing and never consults the finders', () => {
    const r = resolvePlan(planForPrecision('fp32'), graph, () => {
      throw new Error('finder must not be called');
    });
    expect(r.fp32Nodes).toEqual([]);
  });

  it('BAD INPUT - a node name not in the model is refused', () => {
    const plan = validatePlan({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { nodes: ['/enc/blocks.9/attn/Softmax'] },
    });
    expect(() => resolvePlan(plan, graph)).toThrow(
      /names 1 node\(s\) not in the model: \/enc\/blocks.9\/attn\/Softmax/,
    );
  });

  it('BAD INPUT - a plan whose pins all match nothing is refused rather than building an all-FP16 engine', () => {
    const plan = validatePlan({
      schemaVersion: 1,
      defaultPrecision: 'fp16',
      pinFp32: { patterns: ['*/LayerNormalization'] },
    });
    expect(() => resolvePlan(plan, graph)).toThrow(/pins nothing in this model: pattern:\*\/LayerNormalization/);
  });

  it('BAD INPUT - auto pinning without a finder, and output types of the wrong arity, are refused', () => {
    expect(() => resolvePlan(planForPrecision('mixed'), graph)).toThrow(/no finder is available/);
    const plan = validatePlan({ schemaVersion: 1, defaultPrecision: 'fp16', outputTypes: { '/enc/split': ['fp32'] } });
    expect(() => resolvePlan(plan, graph)).toThrow(/1 output type\(s\) for "\/enc\/split", which has 2/);
  });
});

describe('compileNodePattern', () => {
  it('treats * and ? as wildcards and everything else literally, matching whole names', () => {
    const re = compileNodePattern('/enc/blocks.?/attn/*');
    expect(re.test('/enc/blocks.0/attn/Softmax')).toBe(true);
    expect(re.test('/enc/blocks.12/attn/Softmax')).toBe(false);
    expect(re.test('/enc/blocksX0/attn/Softmax')).toBe(false);
    expect(compileNodePattern('/enc/blocks.0/attn/MatMul').test('/enc/blocks.0/attn/MatMul_1')).toBe(false);
    expect(compileNodePattern('a.b').test('axb')).toBe(false);
    expect(compileNodePattern('re:MatMul_\\d$').test('/enc/blocks.0/attn/MatMul_1')).toBe(true);
  });
});
