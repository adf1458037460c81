import PDFDocument from 'pdfkit';
import { diagnosisLines, plainSummary, type CaseReport } from './case-report.js';

const words = (s: string): string => s.replace(/_/g, ' ');

/** The same report as a PDF (pdfkit, built-in Helvetica). */
export function reportPdf(r: CaseReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Second opinion — ${r.patientName}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const h = (text: string): void =>
      void doc.moveDown(0.6).font('Helvetica-Bold').fontSize(13).text(text).font('Helvetica').fontSize(10.5);
    doc.fontSize(9).text(`${r.clinicName} — ${r.date}`);
    doc
      .moveDown()
      .font('Helvetica-Bold')
      .fontSize(16)
      .text(`Second opinion for ${r.patientName}`)
      .font('Helvetica')
      .fontSize(10.5);
    doc.moveDown().text(`Dear ${r.referringClinician} (${r.referringInstitution}),`);
    doc.text(
      'Thank you for referring your patient. Our multidisciplinary tumor board reviewed the records, saw the patient, and agreed the following.',
    );
    h('Your diagnosis');
    for (const l of diagnosisLines(r.referring)) doc.text(`• ${l}`);
    h("The board's diagnosis");
    for (const l of diagnosisLines(r.board)) doc.text(`• ${l}`);
    if (r.change !== null)
      doc
        .moveDown(0.3)
        .text(
          `Concordance: ${r.change.concordance}${r.change.changeTypes.length === 0 ? '' : ` — changed: ${r.change.changeTypes.map(words).join(', ')}`}; management impact: ${r.change.managementImpact}.`,
        );
    h("The board's consensus plan");
    if (r.plan === null) doc.text('No plan has been signed yet.');
    else {
      for (const i of r.plan.items)
        doc.text(
          `${i.sequence}. ${words(i.modality)} (${i.intent})${i.description === undefined ? '' : ` — ${i.description}`}${i.nctId === undefined ? '' : ` — trial ${i.nctId}`}`,
        );
      if (r.plan.summary !== null) doc.moveDown(0.3).text(r.plan.summary);
      doc.text(`Signed ${r.plan.signedAt}.`);
    }
    h('Dissent');
    if (r.dissent.length === 0) doc.text('None recorded.');
    for (const d of r.dissent)
      doc.text(`• ${words(d.discipline)}: ${words(d.vote)}${d.comment === null ? '' : ` — ${d.comment}`}`);
    h('Clinical trial options');
    if (r.trials.length === 0) doc.text('None found.');
    for (const t of r.trials)
      doc.text(`• ${t.nctId} (phase ${t.phase}) ${t.title}${t.eligible ? '' : ' — criteria not all met'}`);
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(16).text('For you: a summary in plain words').font('Helvetica').fontSize(11.5);
    for (const l of plainSummary(r)) doc.moveDown(0.4).text(l);
    doc.end();
  });
}
