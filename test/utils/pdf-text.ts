import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Each page's text as pdf.js extracts it (NFKC-normalised): items in content
 * order, a line break where pdf.js sees a line end. Right-to-left runs come
 * out in logical order.
 */
export async function pdfPageTexts(pdf: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
  }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
          .join('')
          .normalize('NFKC'),
      );
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Text with line breaks and runs of spaces as single spaces (a sentence may wrap). */
export const flatText = (s: string): string => s.replace(/\s+/g, ' ');
