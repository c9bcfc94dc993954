/**
 * FLOPs from the static shape inference against FLOPs computed from the shapes an ONNX Runtime run produces
 * (every MatMul/Gemm/Conv/ConvTranspose input and output exposed), on graphs whose shapes come from the
 * exporter's run-time shape arithmetic: the export-style mask decoder (repeat_interleave through Expand,
 * ConvTranspose upscaling, placeholder output dims) and the zoo's mask_decoder and memory_attention.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { estimateFlops, getAttribute, type ModelProto, writeModel } from '../src/index.js';
import { exportStyleMaskDecoder } from './helpers/export-style.js';
import { graphOf, runModel } from './helpers/ort-feeds.js';
import { boundFeeds, exposeTensors } from './helpers/specialize-checks.js';
import { zooModule } from './helpers/zoo.js';

const COMPUTE = ['MatMul', 'Gemm', 'Conv', 'ConvTranspose'];
const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** FLOPs per op type from the shapes one run produced (a multiply-add counts 2). */
async function runtimeFlops(model: ModelProto, dims: Record<string, number>, values: Record<string, number> = {}) {
  const nodes = graphOf(model).node.filter((n) => COMPUTE.includes(n.opType ?? ''));
  const stored = new Map(graphOf(model).initializer.map((t) => [t.name, t.dims.map(Number)]));
  const tensors = [...new Set(nodes.flatMap((n) => [n.input[0]!, n.input[1]!, n.output[0]!]))].filter(
    (t) => !stored.has(t),
  );
  const out = await runModel(exposeTensors(model, tensors), boundFeeds(model, { dims, values }));
  const shape = (t: string) => stored.get(t) ?? out[t]?.dims ?? feedDims(model, t, dims);
  const flops: Record<string, number> = {};
  for (const n of nodes) {
    const [a, w, y] = [shape(n.input[0]!), shape(n.input[1]!), shape(n.output[0]!)];
    let f: number;
    if (n.opType === 'MatMul') f = 2 * product(y) * a[a.length - 1]!;
    else if (n.opType === 'Gemm') f = 2 * product(y) * (Number(getAttribute(n, 'transA')?.i ?? 0) ? a[0]! : a[1]!);
    else if (n.opType === 'Conv') f = 2 * product(y) * product(w.slice(1));
    else f = 2 * product(a) * w[1]! * product(w.slice(2));
    flops[n.opType!] = (flops[n.opType!] ?? 0) + f;
  }
  return flops;
}

function feedDims(model: ModelProto, name: string, dims: Record<string, number>): number[] {
  const v = graphOf(model).input.find((i) => i.name === name);
  return (v?.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined ? Number(d.dimValue) : dims[d.dimParam ?? '']!,
  );
}

function byOp(model: ModelProto, estimate: ReturnType<typeof estimateFlops>) {
  const c = estimate.byCategory;
  const ops: Record<string, number> = {
    MatMul: c.matmul + c.attention,
    Gemm: c.gemm,
    Conv: c.conv,
    ConvTranspose: c.convTranspose,
  };
  const present = new Set(graphOf(model).node.map((n) => n.opType));
  return Object.fromEntries(Object.entries(ops).filter(([op]) => present.has(op)));
}

describe('estimateFlops resolves shapes through run-time shape arithmetic', () => {
  it('export-style mask decoder: every compute node counted, ConvTranspose included, equal to the run', async () => {
    const model = exportStyleMaskDecoder();
    const estimate = estimateFlops(model, { dims: { num_points: 2 } });
    expect(estimate.unresolved).toEqual([]);
    expect(estimate.byCategory.convTranspose).toBeGreaterThan(0);
    expect(byOp(model, estimate)).toEqual(await runtimeFlops(model, { num_points: 2 }));
  });

  it('zoo mask_decoder (one point) and memory_attention (one frame, one pointer): equal to the run', async () => {
    const md = zooModule('tiny', 'mask_decoder');
    expect(byOp(md, estimateFlops(md, { dims: { num_points: 1 } }))).toEqual(await runtimeFlops(md, { num_points: 1 }));
    const ma = zooModule('tiny', 'memory_attention');
    const bank = { dims: { num_mem_tokens: 1026 }, inputValues: { num_obj_ptr_tokens: [2] } };
    const estimate = estimateFlops(ma, bank);
    expect(estimate.unresolved).toEqual([]);
    expect(byOp(ma, estimate)).toEqual(await runtimeFlops(ma, bank.dims, { num_obj_ptr_tokens: 2 }));
  });

  it('inspect --dim prints no unresolved compute nodes for the export-style mask decoder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-flops-'));
    await writeModel(exportStyleMaskDecoder(), join(dir, 'md.onnx'));
    let text = '';
    const code = await main(['inspect', join(dir, 'md.onnx'), '--dim', 'num_points=2'], {
      out: (t) => {
        text += t;
      },
      err: (t) => {
        text += t;
      },
    });
    expect(code).toBe(0);
    expect(text).toMatch(/estimated FLOPs: .*convTranspose/);
    expect(text).not.toMatch(/unknown shapes/);
  });
});
