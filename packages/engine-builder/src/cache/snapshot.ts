/**
 * The bytes a build reads: the model and its external data files are copied into the cache's staging folder and
 * hashed as they are copied, and trtexec builds from that copy. The key then describes exactly what was built,
 * whatever happens to the user's files during the build (an edit and a restore would otherwise let a later build
 * hit an engine built from the edited bytes).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openRegularFile } from '@tamkit/common';
import { decodeModel, externalRef, resolveExternalPath, visitModelTensors } from '@tamkit/graph-surgery';
import { hashFile, type ModelDigest } from './hash.js';

/** A model copied for a build. */
export interface ModelSnapshot {
  /** The copy of the .onnx file trtexec reads. */
  modelPath: string;
  /** External data locations as the model names them (relative to it), sorted. */
  locations: string[];
  /** SHA-256 of the bytes copied: the model identity that goes into the cache key. */
  digest: ModelDigest;
}

const EXTERNAL = 1;

/** Copies a regular file to `target`, returning the SHA-256 of exactly the bytes copied. */
async function copyHashing(source: string, target: string, what: string): Promise<string> {
  const { handle } = await openRegularFile(source, what);
  const hash = createHash('sha256');
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(handle.createReadStream(), tee, createWriteStream(target, { flags: 'wx' }));
  return hash.digest('hex');
}

/** Copies `modelPath` and the external data files it names into `dir` (same relative layout). */
export async function snapshotModel(modelPath: string, dir: string): Promise<ModelSnapshot> {
  const target = join(dir, basename(modelPath));
  const sha256 = await copyHashing(modelPath, target, 'ONNX model');
  // Decode the copy, not the original: the data files copied are the ones the copied model names.
  const { handle } = await openRegularFile(target, 'ONNX model copy');
  const model = decodeModel(await handle.readFile().finally(() => handle.close()), modelPath);
  const locations = new Set<string>();
  visitModelTensors(model, (tensor) => {
    if (tensor.dataLocation === EXTERNAL) locations.add(externalRef(tensor, modelPath).location);
  });
  const sourceDir = dirname(resolve(modelPath));
  const externalData: ModelDigest['externalData'] = [];
  for (const location of [...locations].sort()) {
    const source = resolveExternalPath(sourceDir, location, modelPath);
    const copy = join(dir, normalize(location));
    await mkdir(dirname(copy), { recursive: true });
    externalData.push({ name: location, sha256: await copyHashing(source, copy, `external data of ${modelPath}`) });
  }
  return { modelPath: target, locations: [...locations].sort(), digest: { sha256, externalData } };
}

/** Hashes the snapshot's files again (after a build: what trtexec read must still be what the key says). */
export async function rehashSnapshot(snapshot: ModelSnapshot): Promise<ModelDigest> {
  const dir = dirname(snapshot.modelPath);
  const externalData: ModelDigest['externalData'] = [];
  for (const location of snapshot.locations) {
    externalData.push({ name: location, sha256: await hashFile(join(dir, normalize(location))) });
  }
  return { sha256: await hashFile(snapshot.modelPath), externalData };
}
