import { ToolkitError } from '@tamkit/common';
import type { KernelEnum, Sharp } from 'sharp';
import type { RawImage } from './normalize.js';

/** An encoded image (JPEG, PNG, WebP, ...): a file path or the file's bytes. */
export type EncodedImage = string | Uint8Array;

type SharpFactory = (input: string | Uint8Array) => Sharp;
let sharpFactory: Promise<SharpFactory> | undefined;

/** Loads sharp on first use, so the in-memory paths work where sharp's native binary is missing. */
function loadSharp(): Promise<SharpFactory> {
  sharpFactory ??= import('sharp').then(
    (module) => module.default as unknown as SharpFactory,
    (error: unknown) => {
      sharpFactory = undefined;
      throw new ToolkitError('SHARP_UNAVAILABLE', `Cannot load sharp to decode images: ${String(error)}`, {
        remedy: 'Reinstall dependencies (node scripts/pnpm.mjs install) so sharp fetches its native binary.',
        cause: error,
      });
    },
  );
  return sharpFactory;
}

/**
 * Decodes an image to 8-bit sRGB without alpha with sharp: at its own size, or resized straight to
 * `resize.size` squared (aspect not kept; no EXIF rotation, as PIL-based loaders do not rotate either).
 */
export async function decodeImage(
  input: EncodedImage,
  resize?: { size: number; kernel: keyof KernelEnum },
): Promise<RawImage> {
  const sharp = await loadSharp();
  try {
    let pipeline = sharp(input);
    if (resize) pipeline = pipeline.resize(resize.size, resize.size, { fit: 'fill', kernel: resize.kernel });
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    const where = typeof input === 'string' ? input : `a ${input.length}-byte buffer`;
    throw new ToolkitError('IMAGE_DECODE_FAILED', `Cannot decode image ${where}: ${(error as Error).message}`, {
      remedy: 'Pass a readable JPEG, PNG or WebP file; check the path and that the file is not truncated.',
      cause: error,
    });
  }
}
