import PDFDocument from 'pdfkit';
import sharp from 'sharp';

/** A two-page PDF, each page saying which it is. */
export async function twoPagePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.fontSize(24).text('Pathology report, page one');
  doc.fontSize(12).text('Invasive lobular carcinoma, grade 2.');
  doc.addPage();
  doc.fontSize(24).text('Pathology report, page two');
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export const BIG = 10_000;

/** A 10,000 × 10,000 JPEG with shapes on it (a stand-in for a slide scan), and its size in pixels. */
export async function bigImage(): Promise<Buffer> {
  const shapes: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    const x = 300 + ((i * 4793) % 9000);
    const y = 300 + ((i * 7919) % 9000);
    shapes.push(`<circle cx="${x}" cy="${y}" r="${200 + (i % 5) * 120}" fill="hsl(${i * 18}, 60%, 55%)"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${BIG}" height="${BIG}">
    <rect x="0" y="0" width="${BIG}" height="${BIG}" fill="#f3e6ee"/>
    ${shapes.join('')}
    <rect x="4000" y="4000" width="2000" height="2000" fill="none" stroke="#503060" stroke-width="40"/>
  </svg>`;
  return sharp({ create: { width: BIG, height: BIG, channels: 3, background: '#f3e6ee' }, limitInputPixels: false })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0, limitInputPixels: false }])
    .jpeg({ quality: 80 })
    .toBuffer();
}
