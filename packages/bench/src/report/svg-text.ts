/** Text in SVG documents: escaping, and width estimates (SVG has no text measuring without a renderer). */

/** Escapes the five XML special characters for element text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/**
 * Estimated advance width of `text` in pixels at `fontSize`, for DejaVu Sans (the sans-serif the PNG renderer finds
 * on Linux; Helvetica and Arial are narrower): about 0.62 em per character, 0.7 em bold. Generous on purpose: a
 * label cut off is worse than a few pixels of margin.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  return Math.ceil(text.length * fontSize * (bold ? 0.7 : 0.62));
}
