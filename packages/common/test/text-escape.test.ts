import { describe, expect, it } from 'vitest';
import { escapeMarkdown, neutralizeCsvCell } from '../src/index.js';

describe('escaping user text for reports', () => {
  it('makes markup inert and keeps a table row one row', () => {
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMarkdown('<img src=x onerror="alert(1)">')).not.toMatch(/<img/);
    expect(escapeMarkdown('fp16 | fp32\nnext row')).toBe('fp16 \\| fp32 next row');
    expect(escapeMarkdown('a*b [x](javascript:y) `code`')).toBe('a\\*b \\[x\\](javascript:y) \\`code\\`');
    expect(escapeMarkdown('image_encoder on ort-cpu 2.0')).toBe('image_encoder on ort-cpu 2.0');
  });

  it('neutralises CSV cells a spreadsheet would run as formulas', () => {
    for (const formula of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutralizeCsvCell(formula)).toBe(`'${formula}`);
    }
    expect(neutralizeCsvCell('ort-cpu')).toBe('ort-cpu');
  });
});
