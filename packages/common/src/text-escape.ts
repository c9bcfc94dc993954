/**
 * Escaping for text that users control (model, stack and tracker names, labels, notes) on its way into the
 * reports tamkit writes, so that a name can neither inject markup nor break a table.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Makes `text` inert in markdown, on one line: HTML markup becomes entities (`<script>` shows as text, never
 * runs in a renderer), the punctuation that makes links, code, emphasis and table columns is backslash-escaped
 * (a `|` stays inside its cell), and line breaks become spaces (a newline cannot end a table row or a quote
 * early). Underscores stay as they are: `image_encoder` reads the same raw and rendered.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]!)
    .replace(/[\\`*[\]|]/g, (c) => `\\${c}`);
}

/**
 * A CSV cell that a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'` (OWASP's advice for CSV injection). Apply it to text cells only; numbers
 * are written as numbers and keep their sign.
 */
export function neutralizeCsvCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
