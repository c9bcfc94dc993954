import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { openRegularFile, ToolkitError } from '@tamkit/common';

/** SHA-256 of a regular file, streamed (ONNX files with external data can be gigabytes; a FIFO is refused). */
export async function hashFile(path: string): Promise<string> {
  const { handle } = await openRegularFile(path, 'file to hash');
  const hash = createHash('sha256');
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } catch (error) {
    throw new ToolkitError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, {
      remedy: 'Check file permissions.',
      cause: error,
    });
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always serialise to equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The model's identity for the cache: the bytes of the .onnx and of every external-data file. */
export interface ModelDigest {
  sha256: string;
  /** External-data files by the name the model gives them (relative to itself), sorted. */
  externalData: { name: string; sha256: string }[];
}

export async function digestModel(modelPath: string, externalDataFiles: readonly string[] = []): Promise<ModelDigest> {
  const externalData = await Promise.all(
    externalDataFiles.map(async (f) => ({ name: basename(f), sha256: await hashFile(f) })),
  );
  externalData.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { sha256: await hashFile(modelPath), externalData };
}
