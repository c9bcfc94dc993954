import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom, ToolkitError } from '@tamkit/common';

/** File name of the tracker parameters in a models folder. */
export const TRACKER_PARAMS_FILE = 'tracker-params.json';
export const TRACKER_PARAMS_FORMAT = 'tamkit-tracker-params' as const;
export const TRACKER_PARAMS_VERSION = 1 as const;

/** A tensor in the file: row-major numbers and the shape they fill. */
export interface ParamTensor {
  shape: number[];
  data: number[];
}

/**
 * `tracker-params.json`: the learned tensors of a SAM 2 / EfficientTAM tracker that live outside the four ONNX
 * modules (PyTorch attribute names), plus the memory sizes. `C` = d_model (256), `M` = mem_dim (64).
 */
export interface TrackerParamsFile {
  format: typeof TRACKER_PARAMS_FORMAT;
  version: typeof TRACKER_PARAMS_VERSION;
  /** Added to the image features of a conditioning frame that has no memory: [1,1,C]. */
  no_mem_embed: ParamTensor;
  /** Its position-encoding counterpart: [1,1,M] (kept for completeness; the no-memory path does not use it). */
  no_mem_pos_enc?: ParamTensor;
  /** Temporal position encoding of spatial memories: [num_maskmem,1,1,M]. */
  maskmem_tpos_enc: ParamTensor;
  /** Spatial memories kept (conditioning frame included). Default 7. */
  num_maskmem?: number;
  /** Object pointers kept (conditioning frame's included). Default 16. */
  max_obj_ptrs_in_encoder?: number;
  /** mask_for_mem = sigmoid(logits) * scale + bias. Defaults 20 and -10. */
  sigmoid_scale_for_mem_enc?: number;
  sigmoid_bias_for_mem_enc?: number;
}

/** Tracker parameters as the loop uses them. */
export interface TrackerParams {
  noMemEmbed: Float32Array;
  /** [numMaskmem * memDim], row t = tpos[t]. */
  maskmemTposEnc: Float32Array;
  numMaskmem: number;
  maxObjPtrs: number;
  sigmoidScale: number;
  sigmoidBias: number;
  /** Where they came from, for the result notes. */
  source: string;
}

/** Deterministic stand-ins (normal, std 0.02, like the PyTorch init) for a models folder without the file. */
export function defaultTrackerParams(dModel: number, memDim: number, seed = 0): TrackerParams {
  const rng = new SeededRandom(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => 0.02 * rng.normal());
  return {
    noMemEmbed: fill(dModel),
    maskmemTposEnc: fill(7 * memDim),
    numMaskmem: 7,
    maxObjPtrs: 16,
    sigmoidScale: 20,
    sigmoidBias: -10,
    source: `seeded defaults (seed ${seed}; no ${TRACKER_PARAMS_FILE}): stand-ins, not learned values`,
  };
}

function bad(where: string, what: string): ToolkitError {
  return new ToolkitError('TRACKER_PARAMS_INVALID', `${where}: ${what}`, {
    remedy: `Write ${TRACKER_PARAMS_FILE} as {"format":"${TRACKER_PARAMS_FORMAT}","version":1,"no_mem_embed":{"shape":[1,1,C],"data":[...]},"maskmem_tpos_enc":{"shape":[7,1,1,M],"data":[...]}}, or delete it to use seeded defaults.`,
  });
}

function tensor(value: unknown, name: string, where: string): Float32Array {
  const t = value as Partial<ParamTensor> | undefined;
  if (!t || !Array.isArray(t.shape) || !Array.isArray(t.data)) throw bad(where, `"${name}" must be {shape, data}`);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    throw bad(where, `"${name}" has ${t.data.length} values for shape [${t.shape.join(',')}] (${count} expected)`);
  }
  if (!t.data.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw bad(where, `"${name}" holds non-numbers`);
  return Float32Array.from(t.data);
}

function positiveInt(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw bad(where, `"${name}" must be a positive integer`);
  return value as number;
}

/** Parses and validates the file's JSON text. `where` names the file in errors. */
export function parseTrackerParams(text: string, where: string): TrackerParams {
  let json: Partial<TrackerParamsFile>;
  try {
    json = JSON.parse(text) as Partial<TrackerParamsFile>;
  } catch (error) {
    throw bad(where, `not JSON (${(error as Error).message})`);
  }
  if (json.format !== TRACKER_PARAMS_FORMAT) throw bad(where, `"format" must be "${TRACKER_PARAMS_FORMAT}"`);
  if (json.version !== TRACKER_PARAMS_VERSION) {
    throw bad(where, `version ${String(json.version)} is not supported (this reader knows ${TRACKER_PARAMS_VERSION})`);
  }
  const numMaskmem = positiveInt(json.num_maskmem, 7, 'num_maskmem', where);
  const tpos = tensor(json.maskmem_tpos_enc, 'maskmem_tpos_enc', where);
  const tposShape = json.maskmem_tpos_enc!.shape;
  if (tposShape[0] !== numMaskmem) throw bad(where, `"maskmem_tpos_enc" needs ${numMaskmem} rows (num_maskmem)`);
  const scale = json.sigmoid_scale_for_mem_enc ?? 20;
  const bias = json.sigmoid_bias_for_mem_enc ?? -10;
  if (!Number.isFinite(scale) || !Number.isFinite(bias)) throw bad(where, 'sigmoid scale and bias must be numbers');
  return {
    noMemEmbed: tensor(json.no_mem_embed, 'no_mem_embed', where),
    maskmemTposEnc: tpos,
    numMaskmem,
    maxObjPtrs: positiveInt(json.max_obj_ptrs_in_encoder, 16, 'max_obj_ptrs_in_encoder', where),
    sigmoidScale: scale,
    sigmoidBias: bias,
    source: where,
  };
}

/** Serialises parameters to the file format (what a zoo or an exporter writes). */
export function formatTrackerParams(params: TrackerParams, dModel: number, memDim: number): string {
  const file: TrackerParamsFile = {
    format: TRACKER_PARAMS_FORMAT,
    version: TRACKER_PARAMS_VERSION,
    no_mem_embed: { shape: [1, 1, dModel], data: Array.from(params.noMemEmbed) },
    maskmem_tpos_enc: { shape: [params.numMaskmem, 1, 1, memDim], data: Array.from(params.maskmemTposEnc) },
    num_maskmem: params.numMaskmem,
    max_obj_ptrs_in_encoder: params.maxObjPtrs,
    sigmoid_scale_for_mem_enc: params.sigmoidScale,
    sigmoid_bias_for_mem_enc: params.sigmoidBias,
  };
  return `${JSON.stringify(file)}\n`;
}

/** Reads `<dir>/tracker-params.json`; undefined when the file does not exist (callers fall back to defaults). */
export async function readTrackerParams(dir: string): Promise<TrackerParams | undefined> {
  const path = join(dir, TRACKER_PARAMS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ToolkitError('TRACKER_PARAMS_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      remedy: 'Check the file permissions, or remove the file to use seeded defaults.',
    });
  }
  return parseTrackerParams(text, path);
}

/** Throws when parameters do not fit the models' widths (d_model from image features, mem_dim from memories). */
export function checkTrackerParams(params: TrackerParams, dModel: number, memDim: number): void {
  if (params.noMemEmbed.length !== dModel) {
    throw bad(
      params.source,
      `no_mem_embed has ${params.noMemEmbed.length} values; the image features have ${dModel} channels`,
    );
  }
  if (params.maskmemTposEnc.length !== params.numMaskmem * memDim) {
    throw bad(
      params.source,
      `maskmem_tpos_enc has ${params.maskmemTposEnc.length} values; ${params.numMaskmem} rows of the memory width ${memDim} expected`,
    );
  }
}
