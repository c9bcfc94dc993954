import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { decodeImage } from '../preprocess/decode.js';
import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from '../tracker/mask-box.js';
import type { FrameSource } from './run-pipeline.js';

const IMAGE = /\.(jpe?g|png|webp)$/i;

/**
 * Frames from a folder of images (sorted by name), decoded one at a time when asked for, so decoding stays
 * outside the timed loop. The first frame's box comes from `box`, else from the first line of a LaSOT-style
 * `groundtruth.txt` in the folder or its parent (`x,y,w,h`, 1-based pixels, made 0-based here).
 */
export class ImageFolderVideo implements FrameSource {
  private constructor(
    readonly files: readonly string[],
    readonly width: number,
    readonly height: number,
    readonly firstBox: Box,
    private readonly first: RawImage,
  ) {}

  static async open(dir: string, box?: Box): Promise<ImageFolderVideo> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => IMAGE.test(n)).sort();
    } catch (error) {
      throw new ToolkitError('PIPELINE_IMAGES_UNREADABLE', `--images ${dir}: ${(error as Error).message}`, {
        remedy: 'Point --images at a folder of JPEG/PNG/WebP frames.',
      });
    }
    if (names.length === 0) {
      throw new ToolkitError('PIPELINE_NO_IMAGES', `--images ${dir} holds no .jpg, .png or .webp file`, {
        remedy: 'Point --images at a folder of frames (e.g. a LaSOT sequence img/ folder).',
      });
    }
    const files = names.map((n) => join(dir, n));
    const first = await decodeImage(files[0]!);
    const prompt = box ?? (await groundTruthBox(dir));
    if (!prompt) {
      throw new ToolkitError('PIPELINE_NO_PROMPT', `no first-frame box for ${dir}`, {
        remedy: 'Pass --prompt x,y,w,h, or put a groundtruth.txt (x,y,w,h per line) in the folder or its parent.',
      });
    }
    return new ImageFolderVideo(files, first.width, first.height, prompt, first);
  }

  get length(): number {
    return this.files.length;
  }

  /** Frame `index` (wraps around past the last file, so a short folder can feed a longer run). */
  async frame(index: number): Promise<RawImage> {
    const i = index % this.files.length;
    return i === 0 ? this.first : decodeImage(this.files[i]!);
  }

  box(_index: number): Box {
    return this.firstBox;
  }
}

async function groundTruthBox(dir: string): Promise<Box | undefined> {
  for (const where of [dir, dirname(dir)]) {
    try {
      const line = (await readFile(join(where, 'groundtruth.txt'), 'utf8')).split(/\r?\n/)[0] ?? '';
      const v = line.split(/[,\s]+/).map(Number);
      if (v.length >= 4 && v.slice(0, 4).every(Number.isFinite)) return [v[0]! - 1, v[1]! - 1, v[2]!, v[3]!];
    } catch {
      // no ground truth here: try the parent, then give up
    }
  }
  return undefined;
}
