import { writeFileAtomic } from '@tamkit/common';

/** Pixels per SVG user unit in the PNG: 2, so that the picture stays sharp on high-density screens. */
export const PNG_SCALE = 2;

/**
 * Renders a standalone SVG document to PNG with sharp (librsvg), at `PNG_SCALE` pixels per SVG unit, for places
 * that do not show SVG (chat tools, some issue trackers, image viewers). sharp is loaded on first use only.
 */
export async function renderSvgToPng(svg: string): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE })
    .png()
    .toBuffer();
}

/** Writes `path` (an .svg file) and the same picture as PNG beside it (`.png`), each atomically; returns both paths. */
export async function writeSvgAndPng(path: string, svg: string): Promise<{ svgPath: string; pngPath: string }> {
  if (!path.endsWith('.svg')) throw new RangeError(`path must end in .svg, got ${path}`);
  const pngPath = `${path.slice(0, -'.svg'.length)}.png`;
  const png = await renderSvgToPng(svg);
  await writeFileAtomic(path, svg);
  await writeFileAtomic(pngPath, png);
  return { svgPath: path, pngPath };
}
