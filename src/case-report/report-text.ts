/**
 * Splits a line of text into runs by the font that can draw each character
 * and by direction, in the order to draw them left to right. Pure.
 *
 * Bidi is a reduced form of the Unicode Bidirectional Algorithm (UAX #9) for a
 * left-to-right paragraph: Arabic and Hebrew letters are right-to-left;
 * European digits after Arabic letters are Arabic numbers (W2); neutrals take
 * the direction of the strong types around them, numbers counting as
 * right-to-left (N1), else the paragraph's (N2); runs at odd levels are
 * reversed as a whole (L2). Each right-to-left run is later shaped and laid
 * out right to left by fontkit, so it is kept in logical order here. Not
 * handled: explicit embeddings and isolates, mirroring of brackets, and
 * reordering across a line break.
 */

export const FACES = ['latin', 'symbols', 'arabic', 'hebrew', 'cjk'] as const;
export type Face = (typeof FACES)[number];

export interface TextRun {
  face: Face;
  text: string;
  /** Laid out right to left (contains Arabic or Hebrew letters at an odd level). */
  rtl: boolean;
}

type BidiClass = 'L' | 'R' | 'AL' | 'EN' | 'AN' | 'N' | 'NSM';

const ARABIC_LETTER = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}]/u;
const HEBREW_LETTER = /\p{Script=Hebrew}/u;
const ARABIC_DIGIT = /[\u0660-\u0669\u06F0-\u06F9]/u;
const EURO_DIGIT = /[0-9\u2070-\u2079\u2080-\u2089\uFF10-\uFF19]/u;
const MARK = /\p{M}/u;
/** Line breaks and tabs: no font draws them; they stay in the run they are in. */
const CONTROL = /\p{Cc}/u;
const LETTER = /[\p{L}\p{Nl}]/u;

function bidiClass(ch: string): BidiClass {
  if (ARABIC_DIGIT.test(ch)) return 'AN';
  if (EURO_DIGIT.test(ch)) return 'EN';
  if (MARK.test(ch)) return 'NSM';
  if (ARABIC_LETTER.test(ch) && LETTER.test(ch)) return 'AL';
  if (HEBREW_LETTER.test(ch) && LETTER.test(ch)) return 'R';
  if (LETTER.test(ch)) return 'L';
  return 'N';
}

/** Embedding levels for a left-to-right paragraph (0 = LTR, 1 = RTL, 2 = numbers inside RTL). */
function levels(types: BidiClass[]): number[] {
  const t = [...types];
  // W1: a mark takes the type of what it marks.
  for (let i = 0; i < t.length; i++) if (t[i] === 'NSM') t[i] = i === 0 ? 'N' : t[i - 1];
  // W2 / W3 / W7: numbers after Arabic letters are Arabic numbers; after L (or start) European ones are L.
  let strong: BidiClass = 'L';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === 'L' || c === 'R' || c === 'AL') strong = c;
    else if (c === 'EN') t[i] = strong === 'AL' ? 'AN' : strong === 'L' ? 'L' : 'EN';
  }
  for (let i = 0; i < t.length; i++) if (t[i] === 'AL') t[i] = 'R';
  // N1 / N2: neutrals between the same direction take it (numbers count as R), else the paragraph's.
  const dir = (c: BidiClass): 'L' | 'R' | null =>
    c === 'L' ? 'L' : c === 'R' || c === 'EN' || c === 'AN' ? 'R' : null;
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 'N') continue;
    let j = i;
    while (j < t.length && t[j] === 'N') j++;
    const before = i === 0 ? 'L' : (dir(t[i - 1]) ?? 'L');
    const after = j === t.length ? 'L' : (dir(t[j]) ?? 'L');
    const resolved: BidiClass = before === after ? before : 'L';
    for (let k = i; k < j; k++) t[k] = resolved;
    i = j - 1;
  }
  // I1: R → 1; numbers → 2; L → 0.
  return t.map((c) => (c === 'R' ? 1 : c === 'EN' || c === 'AN' ? 2 : 0));
}

/**
 * The runs of `text` in drawing order, each with the face that covers it
 * (`covers(face, codePoint)`): Arabic and Hebrew letters in their faces,
 * other letters in the first face of latin, cjk, symbols, arabic, hebrew
 * that has them, neutrals in latin, else in the face of the run they sit in,
 * else in symbols or another face that has them.
 */
export function textRuns(text: string, covers: (face: Face, codePoint: number) => boolean): TextRun[] {
  const chars = [...text];
  if (chars.length === 0) return [];
  const types = chars.map(bidiClass);
  const lv = levels(types);
  const faceOf: Face[] = [];
  const first = (cp: number, order: readonly Face[]): Face => order.find((f) => covers(f, cp)) ?? 'latin';
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i].codePointAt(0) ?? 0;
    const c = types[i];
    const prev = i === 0 ? null : faceOf[i - 1];
    if ((c === 'NSM' || CONTROL.test(chars[i])) && prev !== null) faceOf.push(prev);
    else if (CONTROL.test(chars[i])) faceOf.push('latin');
    else if (c === 'AL' || c === 'AN') faceOf.push(covers('arabic', cp) ? 'arabic' : first(cp, FACES));
    else if (c === 'R') faceOf.push(covers('hebrew', cp) ? 'hebrew' : first(cp, FACES));
    else if (c === 'L') faceOf.push(first(cp, ['latin', 'cjk', 'symbols', 'arabic', 'hebrew']));
    else {
      // A neutral or European digit: stay in the run it is in (RTL runs keep their spaces), else latin.
      const rtlFace = lv[i] === 1 ? rtlFaceBefore(types, i) : null;
      if (rtlFace !== null && covers(rtlFace, cp)) faceOf.push(rtlFace);
      else if (prev !== null && prev !== 'latin' && lv[i - 1] === lv[i] && covers(prev, cp) && !covers('latin', cp))
        faceOf.push(prev);
      else faceOf.push(first(cp, ['latin', prev ?? 'latin', 'symbols', 'cjk', 'arabic', 'hebrew']));
    }
  }
  // Runs of one face and level, in logical order.
  const runs: { face: Face; level: number; text: string }[] = [];
  for (let i = 0; i < chars.length; i++) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.face === faceOf[i] && last.level === lv[i]) last.text += chars[i];
    else runs.push({ face: faceOf[i], level: lv[i], text: chars[i] });
  }
  // L2: reverse every maximal sequence at or above each level, highest first.
  const ordered = [...runs];
  for (let level = 2; level >= 1; level--) {
    for (let i = 0; i < ordered.length; i++) {
      if (ordered[i].level < level) continue;
      let j = i;
      while (j < ordered.length && ordered[j].level >= level) j++;
      ordered.splice(i, j - i, ...ordered.slice(i, j).reverse());
      i = j - 1;
    }
  }
  return ordered.map((r) => ({ face: r.face, text: r.text, rtl: r.level % 2 === 1 }));
}

/** The face of the right-to-left letters a neutral at level 1 follows. */
function rtlFaceBefore(types: BidiClass[], i: number): Face | null {
  for (let k = i - 1; k >= 0; k--) {
    if (types[k] === 'AL') return 'arabic';
    if (types[k] === 'R') return 'hebrew';
    if (types[k] === 'L') return null;
  }
  return null;
}
