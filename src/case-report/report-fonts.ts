/**
 * The Unicode fonts the PDF letter embeds, from npm font packages (all Noto,
 * SIL Open Font License 1.1): Noto Sans (Latin, Greek, Cyrillic), Noto Naskh
 * Arabic, Noto Sans Hebrew, Noto Sans Simplified Chinese (CJK ideographs and
 * kana) and Noto Sans Math (the arrows and symbols Noto Sans lacks). Paths are
 * resolved from the packages, so they hold from `src/` under jest and from
 * `dist/`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { create, type Font } from 'fontkit';
import type { Face } from './report-text.js';

export type Weight = 'regular' | 'bold';

const require = createRequire(import.meta.url);

/** The @embedpdf packages export only their index: their fonts folder is beside its folder. */
const embedpdf = (pkg: string, file: string) => (): string =>
  path.join(path.dirname(require.resolve(pkg)), '..', 'fonts', file);

const FILES: Record<Face, Record<Weight, () => string>> = {
  latin: {
    regular: embedpdf('@embedpdf/fonts-latin', 'NotoSans-Regular.ttf'),
    bold: embedpdf('@embedpdf/fonts-latin', 'NotoSans-Bold.ttf'),
  },
  arabic: {
    regular: embedpdf('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Regular.ttf'),
    bold: embedpdf('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Bold.ttf'),
  },
  hebrew: {
    regular: embedpdf('@embedpdf/fonts-hebrew', 'NotoSansHebrew-Regular.ttf'),
    bold: embedpdf('@embedpdf/fonts-hebrew', 'NotoSansHebrew-Bold.ttf'),
  },
  cjk: {
    regular: embedpdf('@embedpdf/fonts-sc', 'NotoSansHans-Regular.otf'),
    bold: embedpdf('@embedpdf/fonts-sc', 'NotoSansHans-Bold.otf'),
  },
  // One weight only: symbols in bold text are drawn regular.
  symbols: {
    regular: () => require.resolve('@expo-google-fonts/noto-sans-math/400Regular/NotoSansMath_400Regular.ttf'),
    bold: () => require.resolve('@expo-google-fonts/noto-sans-math/400Regular/NotoSansMath_400Regular.ttf'),
  },
};

/** The file of a face in a weight. */
export function fontFile(face: Face, weight: Weight): string {
  return FILES[face][weight]();
}

const buffers = new Map<string, Buffer>();
const parsed = new Map<Face, Font>();

/** The bytes of a font file, read once per process (the CJK fonts are 8 MB each). */
export function fontBytes(face: Face, weight: Weight): Buffer {
  const file = fontFile(face, weight);
  let b = buffers.get(file);
  if (b === undefined) {
    b = readFileSync(file);
    buffers.set(file, b);
  }
  return b;
}

/** Whether a face has a glyph for a code point (its regular weight; the bold ones cover the same). */
export function covers(face: Face, codePoint: number): boolean {
  let f = parsed.get(face);
  if (f === undefined) {
    const font = create(fontBytes(face, 'regular'));
    if (!('hasGlyphForCodePoint' in font)) throw new Error(`${fontFile(face, 'regular')} is a font collection`);
    f = font;
    parsed.set(face, f);
  }
  return f.hasGlyphForCodePoint(codePoint);
}

/** The name a face and weight are registered under in a document. */
export const fontName = (face: Face, weight: Weight): string => `${face}-${weight}`;
