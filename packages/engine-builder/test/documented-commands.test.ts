/**
 * Expectations written from trtexec's own documentation (`trtexec --help` of TensorRT 10.x, "Build Options"),
 * not from this package's output: the golden file (golden-commands.test.ts) pins the exact lines; these checks
 * say why they are right. Quoted grammar:
 *   --precisionConstraints=spec   spec ::= "none" | "obey" | "prefer"; obey = meet the constraints or fail
 *   --layerPrecisions=spec        effective only when precisionConstraints is "obey" or "prefer";
 *                                 spec ::= layerPrecision[","spec]; layerPrecision ::= layerName":"precision;
 *                                 precision ::= "fp32"|"fp16"|"bf16"|"int32"|"int8"
 *   --layerOutputTypes=spec       as above, layerName":"type; type ::= precision["+"type], one type per output
 *   --fp16 / --bf16               enable that precision "in addition to fp32"
 *   --min/opt/maxShapes=spec      input0:1x3x256x256,input1:...; scalars input0:scalar; all three, or opt only
 *   --profilingVerbosity=mode     mode ::= layer_names_only|detailed|none
 *   --saveEngine=<file>, --skipInference (exit after the engine is built)
 */
import { readModel } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBuild, loadPlan, type PrecisionPlan, planForPrecision } from '../src/index.js';
import { writeZooModels } from './helpers/models.js';

const NO_TRTEXEC = '/nonexistent/trtexec-for-documented-tests';
const PRECISIONS = new Set(['fp32', 'fp16', 'bf16', 'int32', 'int8']);

/** `--name=value` flags of a command line (trtexec takes each option as one argument, `--name` or `--name=value`). */
function flags(args: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const arg of args) {
    expect(arg).toMatch(/^--[A-Za-z0-9]+(=.*)?$/);
    const eq = arg.indexOf('=');
    out.set(eq < 0 ? arg : arg.slice(0, eq), eq < 0 ? true : arg.slice(eq + 1));
  }
  return out;
}

/** Parses a per-layer spec by the documented grammar: entries split on ",", the name before the last ":". */
function perLayer(spec: string): { layer: string; types: string[] }[] {
  return spec.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    expect(colon).toBeGreaterThan(0);
    const quoted = entry.slice(0, colon);
    // A name may be wrapped in single quotes (trtexec strips them); nothing else is special.
    const layer = quoted.startsWith("'") && quoted.endsWith("'") ? quoted.slice(1, -1) : quoted;
    return { layer, types: entry.slice(colon + 1).split('+') };
  });
}

describe("trtexec command lines checked against trtexec's documented grammar (TensorRT 10)", () => {
  let models: Record<string, string>;
  let mixed: PrecisionPlan;
  beforeAll(async () => {
    models = await writeZooModels('full');
    mixed = await loadPlan(new URL('./fixtures/plans/efficienttam-mixed.json', import.meta.url).pathname);
  });

  it('pins layers only under --precisionConstraints=obey, with valid precisions, on layers the ONNX model has', async () => {
    let pinned = 0;
    for (const [module, path] of Object.entries(models)) {
      const graph = (await readModel(path, { loadExternalData: false })).graph!;
      const outputs = new Map(graph.node.map((n) => [n.name ?? '', n.output.length]));
      for (const plan of [mixed, planForPrecision('mixed')]) {
        const d = await describeBuild(path, { plan, trtVersion: 10, trtexec: NO_TRTEXEC });
        const f = flags(d.args);
        const label = `${module}: ${d.command}`;
        expect(f.get('--fp16'), label).toBe(true); // the plan's default precision, in addition to fp32
        if (!f.has('--layerPrecisions')) continue;
        // "Effective only when precisionConstraints is set to obey or prefer"; obey makes an unmet pin an error.
        expect(f.get('--precisionConstraints'), label).toBe('obey');
        pinned++;
        const precisions = perLayer(f.get('--layerPrecisions') as string);
        for (const { layer, types } of precisions) {
          expect(outputs.has(layer), `${layer} is an ONNX node of ${module}`).toBe(true);
          expect(types).toHaveLength(1);
          expect(PRECISIONS.has(types[0]!)).toBe(true);
        }
        // Output types: one type per output of the layer, "+"-joined.
        for (const { layer, types } of perLayer(f.get('--layerOutputTypes') as string)) {
          expect(types).toHaveLength(outputs.get(layer)!);
          for (const t of types) expect(PRECISIONS.has(t)).toBe(true);
        }
      }
    }
    expect(pinned).toBeGreaterThanOrEqual(6); // the mixed plans pin nodes in at least three modules
  });

  it('sets no precision constraint for a plan without pins, and --bf16 (not --fp16) for a BF16 plan', async () => {
    for (const [precision, flag] of [
      ['fp16', '--fp16'],
      ['bf16', '--bf16'],
    ] as const) {
      const d = await describeBuild(models.mask_decoder!, {
        plan: planForPrecision(precision),
        trtVersion: 10,
        trtexec: NO_TRTEXEC,
      });
      const f = flags(d.args);
      expect(f.get(flag)).toBe(true);
      expect([...f.keys()].filter((k) => k === '--fp16' || k === '--bf16')).toEqual([flag]);
      for (const k of ['--precisionConstraints', '--layerPrecisions', '--layerOutputTypes'])
        expect(f.has(k)).toBe(false);
    }
    const fp32 = flags(
      (
        await describeBuild(models.mask_decoder!, {
          plan: planForPrecision('fp32'),
          trtVersion: 10,
          trtexec: NO_TRTEXEC,
        })
      ).args,
    );
    expect(fp32.has('--fp16') || fp32.has('--bf16')).toBe(false); // fp32 is always on
  });

  it('writes one optimisation profile as input:DxD... entries for min, opt and max, with "scalar" for 0-D', async () => {
    const shapes = { memory: [7232, 1, 64], memory_pos: [7232, 1, 64], num_obj_ptr_tokens: [] };
    const d = await describeBuild(models.memory_attention!, {
      plan: planForPrecision('fp16'),
      trtVersion: 10,
      trtexec: NO_TRTEXEC,
      shapes: { min: shapes, opt: shapes, max: shapes },
    });
    const f = flags(d.args);
    for (const flag of ['--minShapes', '--optShapes', '--maxShapes']) {
      const entries = (f.get(flag) as string).split(',');
      expect(entries).toEqual(['memory:7232x1x64', 'memory_pos:7232x1x64', 'num_obj_ptr_tokens:scalar']);
    }
  });

  it('saves the engine, exports layer information at detailed verbosity, and skips the timing run', async () => {
    const d = await describeBuild(models.image_encoder!, { plan: mixed, trtVersion: 10, trtexec: NO_TRTEXEC });
    const f = flags(d.args);
    expect(f.get('--saveEngine')).toBe('engine.plan');
    // The engine inspector reports per-layer precision only at detailed profiling verbosity.
    expect(f.get('--profilingVerbosity')).toBe('detailed');
    expect(f.get('--exportLayerInfo')).toBe('layers.json');
    expect(f.get('--skipInference')).toBe(true);
  });
});
