import PDFDocument from 'pdfkit';
import { reportModel, type CaseReport, type ReportBlock, type ReportModel } from './case-report.js';
import { covers, fontBytes, fontName, type Weight } from './report-fonts.js';
import { FACES, textRuns, type Face, type TextRun } from './report-text.js';

type Doc = PDFKit.PDFDocument;

const PAGE = { top: 92, bottom: 72, side: 56 };
const BODY = 10;
const INK = '#111111';
const MUTED = '#555555';
const DRAFT_RED = '#b00020';
/** Naskh is drawn small on its body: enlarged so Arabic reads at the size of the Latin around it. */
const FACE_SCALE: Partial<Record<Face, number>> = { arabic: 1.12 };

interface WriteOptions {
  size?: number;
  weight?: Weight;
  color?: string;
  x?: number;
  y?: number;
  width?: number;
  lineGap?: number;
}

/** pdfkit keeps each font's glyph → Unicode map here until `end()` writes the ToUnicode CMaps. */
interface EmbeddedFontInternals {
  unicode?: (number[] | undefined)[];
}

export class LetterWriter {
  constructor(readonly doc: Doc) {
    for (const face of FACES)
      for (const weight of ['regular', 'bold'] as const)
        // Registered lazily by pdfkit: a face is read and embedded (as a subset) only when used.
        doc.registerFont(fontName(face, weight), fontBytes(face, weight));
  }

  get left(): number {
    return PAGE.side;
  }
  get width(): number {
    return this.doc.page.width - 2 * PAGE.side;
  }
  get bottom(): number {
    return this.doc.page.height - PAGE.bottom;
  }

  runs(text: string): TextRun[] {
    return textRuns(text, covers);
  }

  private use(run: TextRun, o: WriteOptions): void {
    this.doc
      .font(fontName(run.face, o.weight ?? 'regular'))
      .fontSize((o.size ?? BODY) * (FACE_SCALE[run.face] ?? 1))
      .fillColor(o.color ?? INK);
  }

  /**
   * A wrapped paragraph, one pdfkit call per run (`continued`), so each run
   * is drawn in a font that has its glyphs; right-to-left runs are laid out
   * whole (`features`), which makes fontkit shape and reverse them.
   */
  write(text: string, o: WriteOptions = {}): void {
    const runs = this.runs(text);
    const x = o.x ?? this.left;
    const width = o.width ?? this.width - (x - this.left);
    if (runs.length === 0) return;
    runs.forEach((run, i) => {
      this.use(run, o);
      const opts: PDFKit.Mixins.TextOptions = {
        width,
        lineGap: o.lineGap ?? 2,
        continued: i < runs.length - 1,
        ...(run.rtl ? { features: [] } : {}),
      };
      if (i === 0) this.doc.text(run.text, x, o.y ?? this.doc.y, opts);
      else this.doc.text(run.text, opts);
    });
    this.doc.x = this.left;
  }

  /** Width of one line of text drawn run by run. */
  lineWidth(text: string, o: WriteOptions = {}): number {
    return this.runs(text).reduce((w, run) => {
      this.use(run, o);
      return w + this.doc.widthOfString(run.text, run.rtl ? { features: [] } : {});
    }, 0);
  }

  /** One unwrapped line at a fixed place (headers, footers): drawn even inside the page margins. */
  line(text: string, x: number, y: number, o: WriteOptions & { align?: 'left' | 'right' } = {}): void {
    const start = o.align === 'right' ? x - this.lineWidth(text, o) : x;
    let cx = start;
    for (const run of this.runs(text)) {
      this.use(run, o);
      const features = run.rtl ? { features: [] } : {};
      this.doc.text(run.text, cx, y, { lineBreak: false, ...features });
      cx += this.doc.widthOfString(run.text, features);
    }
  }

  /** Height a paragraph will take: measured in each face it uses, the tallest wins. */
  measure(text: string, width: number, o: WriteOptions = {}): number {
    const faces = new Set(this.runs(text).map((r) => r.face));
    let h = 0;
    for (const face of faces) {
      this.use({ face, text: '', rtl: false }, o);
      h = Math.max(h, this.doc.heightOfString(text, { width, lineGap: o.lineGap ?? 2 }));
    }
    return h;
  }

  ensure(space: number): void {
    if (this.doc.y + space > this.bottom) this.doc.addPage();
  }
}

function heading(w: LetterWriter, text: string, level: 1 | 2): void {
  const size = level === 1 ? 16 : 12.5;
  w.ensure(level === 1 ? 80 : 60);
  w.doc.moveDown(level === 1 ? 0.4 : 0.8);
  w.write(text, { size, weight: 'bold', color: level === 1 ? INK : '#1a3d6d' });
  w.doc.moveDown(0.25);
}

function banner(w: LetterWriter, text: string): void {
  const pad = 8;
  const h = w.measure(text, w.width - 2 * pad, { size: BODY, weight: 'bold' }) + 2 * pad;
  w.ensure(h + 6);
  const y = w.doc.y;
  w.doc.save().lineWidth(1.5).roundedRect(w.left, y, w.width, h, 3).fillAndStroke('#fff1f1', DRAFT_RED).restore();
  w.write(text, { x: w.left + pad, y: y + pad, width: w.width - 2 * pad, weight: 'bold', color: DRAFT_RED });
  w.doc.y = y + h + 6;
}

function marked(w: LetterWriter, marks: string[], items: string[]): void {
  const indent = 20;
  items.forEach((text, i) => {
    w.ensure(w.measure(text, w.width - indent) + 4);
    const y = w.doc.y;
    w.line(marks[i], w.left + 4, y, { color: MUTED });
    w.write(text, { x: w.left + indent, y, width: w.width - indent });
    w.doc.moveDown(0.2);
  });
}

function table(w: LetterWriter, head: string[], rows: string[][][]): void {
  const pad = 5;
  const first = 96;
  const rest = (w.width - first) / (head.length - 1);
  const widths = head.map((_, i) => (i === 0 ? first : rest));
  const drawRow = (cells: string[][], bold: boolean, shade: string | null): void => {
    const texts = cells.map((lines) => lines.join('\n'));
    const h =
      Math.max(
        ...texts.map((t, i) => w.measure(t, widths[i] - 2 * pad, { weight: bold || i === 0 ? 'bold' : 'regular' })),
      ) +
      2 * pad;
    if (w.doc.y + h > w.bottom) {
      w.doc.addPage();
      if (!bold)
        drawRow(
          head.map((t) => [t]),
          true,
          '#e8eef6',
        );
    }
    const y = w.doc.y;
    let x = w.left;
    let bottom = y + h;
    texts.forEach((t, i) => {
      if (shade !== null) w.doc.save().rect(x, y, widths[i], h).fill(shade).restore();
      if (t !== '') {
        w.write(t, {
          x: x + pad,
          y: y + pad,
          width: widths[i] - 2 * pad,
          weight: bold || i === 0 ? 'bold' : 'regular',
        });
        bottom = Math.max(bottom, w.doc.y + pad);
      }
      x += widths[i];
    });
    x = w.left;
    for (const cw of widths) {
      w.doc
        .save()
        .lineWidth(0.6)
        .strokeColor('#9aa5b1')
        .rect(x, y, cw, bottom - y)
        .stroke()
        .restore();
      x += cw;
    }
    w.doc.x = w.left;
    w.doc.y = bottom;
  };
  drawRow(
    head.map((t) => [t]),
    true,
    '#e8eef6',
  );
  for (const row of rows) drawRow(row, false, null);
  w.doc.moveDown(0.5);
}

function block(w: LetterWriter, b: ReportBlock): void {
  switch (b.kind) {
    case 'paragraph':
      w.ensure(w.measure(b.text, w.width) > 40 ? 30 : w.measure(b.text, w.width));
      w.write(b.text);
      w.doc.moveDown(0.45);
      return;
    case 'subheading':
      w.ensure(40);
      w.write(b.text, { weight: 'bold', size: BODY });
      w.doc.moveDown(0.2);
      return;
    case 'list':
      marked(
        w,
        b.items.map(() => '•'),
        b.items,
      );
      w.doc.moveDown(0.3);
      return;
    case 'steps':
      marked(
        w,
        b.items.map((s) => `${s.number}.`),
        b.items.map((s) => s.text),
      );
      w.doc.moveDown(0.3);
      return;
    case 'table':
      table(w, b.head, b.rows);
      return;
    case 'banner':
      banner(w, b.text);
      return;
  }
}

/** Header (clinic, patient identity), footer (page N of M) and the DRAFT mark, on every page. */
function furniture(w: LetterWriter, m: ReportModel): void {
  const { doc } = w;
  const range = doc.bufferedPageRange();
  const id = m.identity;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margins = doc.page.margins;
    // Drawing in the margins must not start a new page.
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const right = doc.page.width - PAGE.side;
    w.line(m.clinicName, w.left, 30, { size: 9, weight: 'bold', color: '#1a3d6d' });
    w.line('Second opinion — multidisciplinary tumor board', right, 30, { size: 9, color: MUTED, align: 'right' });
    w.line(`Patient: ${id.name}`, w.left, 48, { size: 10, weight: 'bold' });
    w.line(`MRN ${id.mrn}   ·   DOB ${id.birthDate}`, right, 48, { size: 10, weight: 'bold', align: 'right' });
    doc.save().lineWidth(0.8).strokeColor('#1a3d6d').moveTo(w.left, 68).lineTo(right, 68).stroke().restore();

    const fy = doc.page.height - 50;
    doc
      .save()
      .lineWidth(0.5)
      .strokeColor('#9aa5b1')
      .moveTo(w.left, fy - 6)
      .lineTo(right, fy - 6)
      .stroke()
      .restore();
    w.line(m.draft === null ? 'Confidential: patient-identifiable information' : 'DRAFT — not signed', w.left, fy, {
      size: 8.5,
      color: m.draft === null ? MUTED : DRAFT_RED,
      weight: m.draft === null ? 'regular' : 'bold',
    });
    w.line(`Page ${i - range.start + 1} of ${range.count}`, right, fy, { size: 8.5, color: MUTED, align: 'right' });

    if (m.draft !== null) {
      const cx = doc.page.width / 2;
      const cy = doc.page.height / 2;
      doc.save();
      doc.rotate(-40, { origin: [cx, cy] }).fillOpacity(0.1);
      doc.font(fontName('latin', 'bold')).fontSize(120).fillColor(DRAFT_RED);
      const tw = doc.widthOfString('DRAFT');
      doc.text('DRAFT', cx - tw / 2, cy - 70, { lineBreak: false });
      doc.restore();
    }
    doc.page.margins = margins;
  }
}

/**
 * pdfkit maps each glyph to its characters in logical order; text extractors
 * read a right-to-left line in visual order and reverse it character by
 * character, which would turn a ligature (lam-alef, the Allah ligature)
 * inside out. Writing those multi-character glyphs reversed makes the
 * extracted text the logical string.
 */
export function fixRtlLigatures(doc: Doc): void {
  const families = (doc as unknown as { _fontFamilies?: Record<string, EmbeddedFontInternals> })._fontFamilies ?? {};
  for (const weight of ['regular', 'bold'] as const)
    for (const face of ['arabic', 'hebrew'] as const) {
      const unicode = families[fontName(face, weight)]?.unicode;
      if (unicode === undefined) continue;
      for (let g = 0; g < unicode.length; g++) {
        const cps = unicode[g];
        if (cps !== undefined && cps.length > 1) unicode[g] = [...cps].reverse();
      }
    }
}

/** The report as a PDF letter (A4): the same sections as the HTML, Unicode fonts embedded. */
export function reportPdf(r: CaseReport): Promise<Buffer> {
  const m = reportModel(r);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      bufferPages: true,
      margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.side, right: PAGE.side },
      info: { Title: m.title, Subject: 'Second opinion letter', Creator: 'Consilium' },
      lang: 'en',
      displayTitle: true,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      const w = new LetterWriter(doc);
      w.write(m.dateLine, { size: 9, color: MUTED });
      doc.moveDown(0.3);
      if (m.draft !== null) banner(w, m.draft);
      for (const s of m.sections) {
        if (s.newPage) doc.addPage();
        heading(w, s.heading, s.level);
        for (const b of s.blocks) block(w, b);
      }
      furniture(w, m);
      fixRtlLigatures(doc);
      doc.end();
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
