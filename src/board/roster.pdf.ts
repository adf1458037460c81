import PDFDocument from 'pdfkit';
import { fixRtlLigatures, LetterWriter } from '../case-report/case-report.pdf.js';
import { professionLabel } from '../specialists/professions.js';
import { hoursText } from './attendance-roster.js';
import type { Certificate } from './attendance-roster.service.js';
import type { RosterAttendeeDto, RosterStayDto, SessionRosterDto, YearRosterDto } from './dto/roster.dto.js';
import { disciplineLabel, ZonedText } from './roster-text.js';

type Doc = PDFKit.PDFDocument;

const MUTED = '#555555';
const ACCENT = '#1a3d6d';
const RULE = '#9aa5b1';
const HEAD = '#e8eef6';

const STATUS_WORDS: Record<string, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
const UNTIL_WORDS: Record<RosterStayDto['countedUntil'], string> = {
  checked_out: '',
  session_end: "not checked out: counted to the session's end",
  session_closed: 'counted to when the session was closed',
  now: 'still checked in: counted to now',
};

/** A stay as one line: "12:05–12:50 (45 min)", with why an open stay ends where it is counted. */
export function stayText(s: RosterStayDto, z: ZonedText): string {
  const out = s.leftAt === null ? `(${z.clock(s.countedTo)})` : z.clock(s.leftAt);
  const why = UNTIL_WORDS[s.countedUntil];
  return `${z.clock(s.joinedAt)}–${out}, ${s.minutes} min${why === '' ? '' : `; ${why}`}`;
}

const nameWithCredentials = (p: { displayName: string; credentials: string | null }): string =>
  p.credentials === null ? p.displayName : `${p.displayName}, ${p.credentials}`;

function newDoc(title: string, subject: string, layout: 'portrait' | 'landscape'): Doc {
  return new PDFDocument({
    size: 'A4',
    layout,
    bufferPages: true,
    margins: { top: 72, bottom: 72, left: 56, right: 56 },
    info: { Title: title, Subject: subject, Creator: 'Consilium' },
    lang: 'en',
    displayTitle: true,
  });
}

function render(doc: Doc, draw: (w: LetterWriter) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw(new LetterWriter(doc));
      fixRtlLigatures(doc);
      doc.end();
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** A table with fixed column widths (fractions of the page width); the header repeats on each page. */
function table(w: LetterWriter, head: string[], fractions: number[], rows: string[][]): void {
  const pad = 5;
  const widths = fractions.map((f) => f * w.width);
  const drawRow = (cells: string[], bold: boolean): void => {
    const h =
      Math.max(
        ...cells.map((t, i) => w.measure(t, (widths[i] ?? 0) - 2 * pad, { weight: bold ? 'bold' : 'regular' })),
      ) +
      2 * pad;
    if (w.doc.y + h > w.bottom) {
      w.doc.addPage();
      if (!bold) drawRow(head, true);
    }
    const y = w.doc.y;
    let x = w.left;
    let bottom = y + h;
    cells.forEach((t, i) => {
      const cw = widths[i] ?? 0;
      if (bold) w.doc.save().rect(x, y, cw, h).fill(HEAD).restore();
      if (t !== '') {
        w.write(t, { x: x + pad, y: y + pad, width: cw - 2 * pad, weight: bold || i === 0 ? 'bold' : 'regular' });
        bottom = Math.max(bottom, w.doc.y + pad);
      }
      x += cw;
    });
    x = w.left;
    for (const cw of widths) {
      w.doc
        .save()
        .lineWidth(0.6)
        .strokeColor(RULE)
        .rect(x, y, cw, bottom - y)
        .stroke()
        .restore();
      x += cw;
    }
    w.doc.x = w.left;
    w.doc.y = bottom;
  };
  drawRow(head, true);
  for (const r of rows) drawRow(r, false);
  w.doc.moveDown(0.6);
}

/** Clinic and title on top, "no patient data" and page N of M at the foot of every page. */
function furniture(w: LetterWriter, left: string, right: string): void {
  const { doc } = w;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margins = doc.page.margins;
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const r = doc.page.width - w.left;
    w.line(left, w.left, 32, { size: 9, weight: 'bold', color: ACCENT });
    w.line(right, r, 32, { size: 9, color: MUTED, align: 'right' });
    doc.save().lineWidth(0.8).strokeColor(ACCENT).moveTo(w.left, 50).lineTo(r, 50).stroke().restore();
    const fy = doc.page.height - 46;
    doc
      .save()
      .lineWidth(0.5)
      .strokeColor(RULE)
      .moveTo(w.left, fy - 6)
      .lineTo(r, fy - 6)
      .stroke()
      .restore();
    w.line('Attendance record: people and sessions only, no patient data', w.left, fy, { size: 8.5, color: MUTED });
    w.line(`Page ${i - range.start + 1} of ${range.count}`, r, fy, { size: 8.5, color: MUTED, align: 'right' });
    doc.page.margins = margins;
  }
}

const RULES_NOTE =
  'Each stay counts from check-in (or the session’s start, if earlier) to check-out, never past the session’s closing. A stay never checked out counts to the earliest of the session’s scheduled end, its closing and now. Overlapping stays count once. Credit hours are minutes ÷ 60, rounded down to the quarter hour.';

function attendeeRow(a: RosterAttendeeDto, z: ZonedText): string[] {
  return [
    nameWithCredentials(a),
    professionLabel(a.profession),
    a.disciplines.map(disciplineLabel).join(', '),
    a.stays.map((s) => stayText(s, z)).join('\n'),
    String(a.minutes),
    hoursText(a.creditHours),
  ];
}

/** The roster of one session (A4 landscape). */
export function sessionRosterPdf(r: SessionRosterDto): Promise<Buffer> {
  const z = new ZonedText(r.timeZone);
  const s = r.session;
  return render(newDoc(`Attendance roster — ${s.title}`, 'Attendance roster', 'landscape'), (w) => {
    w.write('Attendance roster', { size: 16, weight: 'bold' });
    w.doc.moveDown(0.2);
    w.write(s.title, { size: 12.5, weight: 'bold', color: ACCENT });
    w.write(`${z.span(s.startsAt, s.endsAt)} · ${STATUS_WORDS[s.status] ?? s.status}`);
    w.write(z.label(s.startsAt), { size: 9, color: MUTED });
    w.doc.moveDown(0.6);
    if (r.attendees.length === 0) w.write('Nobody checked in to this session.');
    else
      table(
        w,
        ['Name', 'Profession', 'Discipline', `In–out (${z.abbreviation(s.startsAt)})`, 'Minutes', 'Credit hours'],
        [0.2, 0.13, 0.14, 0.37, 0.07, 0.09],
        r.attendees.map((a) => attendeeRow(a, z)),
      );
    const total = r.attendees.reduce((n, a) => n + a.minutes, 0);
    w.write(`${r.attendees.length} attendee${r.attendees.length === 1 ? '' : 's'}; ${total} minutes attended in all.`, {
      weight: 'bold',
    });
    w.doc.moveDown(0.3);
    w.write(RULES_NOTE, { size: 8.5, color: MUTED });
    furniture(w, r.clinicName, 'Continuing education — attendance roster');
  });
}

/** A clinic's year: each person, the sessions attended and the hours (A4 landscape). */
export function yearRosterPdf(r: YearRosterDto): Promise<Buffer> {
  const z = new ZonedText(r.timeZone);
  const sessions = new Map(r.sessions.map((s) => [s.id, s]));
  return render(newDoc(`Attendance roster ${r.year} — ${r.clinicName}`, 'Attendance roster', 'landscape'), (w) => {
    w.write(`Attendance roster ${r.year}`, { size: 16, weight: 'bold' });
    w.doc.moveDown(0.2);
    w.write(
      `${r.clinicName}: ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} with attendance, ${r.people.length} ${r.people.length === 1 ? 'person' : 'people'}.`,
    );
    w.write(`Dates are in ${r.timeZone}.`, { size: 9, color: MUTED });
    w.doc.moveDown(0.6);
    if (r.people.length === 0) w.write('Nobody attended a session of this clinic in this year.');
    else
      table(
        w,
        ['Name', 'Profession', 'Discipline', 'Sessions attended', 'Minutes', 'Credit hours'],
        [0.2, 0.13, 0.14, 0.37, 0.07, 0.09],
        r.people.map((p) => [
          nameWithCredentials(p),
          professionLabel(p.profession),
          p.disciplines.map(disciplineLabel).join(', '),
          `${p.sessionsAttended}: ${p.sessions
            .map((e) => {
              const s = sessions.get(e.sessionId);
              return s === undefined ? '' : `${z.date(s.startsAt)} ${s.title} (${e.minutes} min)`;
            })
            .join('\n')}`,
          String(p.minutes),
          hoursText(p.creditHours),
        ]),
      );
    w.write(
      `${RULES_NOTE} A year's credit hours are the sum of each session's (each session is claimed as attended).`,
      { size: 8.5, color: MUTED },
    );
    furniture(w, r.clinicName, `Continuing education — attendance roster ${r.year}`);
  });
}

/** A certificate of attendance for one person, of one session or of a year (A4 portrait). */
export function certificatePdf(c: Certificate): Promise<Buffer> {
  const z = new ZonedText(c.timeZone);
  const first = c.sessions[0];
  const title = `Certificate of attendance — ${c.person.displayName}`;
  return render(newDoc(title, 'Certificate of attendance', 'portrait'), (w) => {
    const centred = (text: string, o: Parameters<LetterWriter['write']>[1] = {}): void => {
      // LetterWriter.write draws left-aligned runs; a centred line is placed by its measured width.
      const width = w.lineWidth(text, o);
      if (width <= w.width) {
        w.line(text, w.left + (w.width - width) / 2, w.doc.y, o);
        w.doc.y += (o.size ?? 10) * 1.45;
      } else w.write(text, o);
    };
    w.doc.y = 110;
    centred(c.provider, { size: 11, color: MUTED });
    w.doc.moveDown(0.8);
    centred('Certificate of attendance', { size: 24, weight: 'bold', color: ACCENT });
    w.doc.moveDown(1);
    centred('This certifies that', { size: 11 });
    w.doc.moveDown(0.3);
    centred(nameWithCredentials(c.person), { size: 20, weight: 'bold' });
    centred(`Profession: ${professionLabel(c.person.profession)}`, { size: 11, color: MUTED });
    w.doc.moveDown(0.6);
    if (c.year === null && first !== undefined) {
      const s = first.session;
      centred('attended the multidisciplinary tumor board', { size: 11 });
      centred(s.title, { size: 14, weight: 'bold' });
      centred(`of ${c.clinicName}, ${z.span(s.startsAt, s.endsAt)}`, { size: 11 });
    } else {
      centred(
        `attended ${c.sessions.length} multidisciplinary tumor board session${c.sessions.length === 1 ? '' : 's'}`,
        {
          size: 11,
        },
      );
      centred(`of ${c.clinicName} in ${c.year}`, { size: 14, weight: 'bold' });
    }
    w.doc.moveDown(0.6);
    centred(`Attended ${hoursText(c.creditHours)} hours (${c.minutes} minutes)`, { size: 16, weight: 'bold' });
    w.doc.moveDown(1);
    if (c.year === null && first !== undefined) {
      w.write(`Time attended (${first.attendance.disciplines.map(disciplineLabel).join(', ')}):`, { weight: 'bold' });
      for (const s of first.attendance.stays) w.write(`•  ${stayText(s, z)}`);
    } else
      table(
        w,
        ['Date', 'Session', 'Minutes', 'Hours'],
        [0.2, 0.54, 0.13, 0.13],
        [
          ...c.sessions.map((s) => [
            z.date(s.session.startsAt),
            s.session.title,
            String(s.attendance.minutes),
            hoursText(s.attendance.creditHours),
          ]),
          ['Total', '', String(c.minutes), hoursText(c.creditHours)],
        ],
      );
    w.write(c.year === null && first !== undefined ? z.label(first.session.startsAt) : `Dates are in ${c.timeZone}.`, {
      size: 9,
      color: MUTED,
    });
    w.doc.moveDown(0.8);
    if (c.creditDesignation === null)
      w.write(
        'No continuing-education credit designation is configured for this activity: this certificate records attendance only and does not award credit.',
        { size: 9.5 },
      );
    else {
      w.write(c.creditDesignation, { size: 9.5 });
      w.doc.moveDown(0.3);
      w.write(
        'Physicians should claim only the credit commensurate with the extent of their participation in the activity.',
        {
          size: 9.5,
        },
      );
    }
    w.doc.moveDown(0.5);
    w.write(
      `Hours are the minutes checked in (from check-in, or the session’s start if earlier, to check-out) ÷ 60, rounded down to the quarter hour${c.year === null ? '' : ' for each session, then added up'}.`,
      { size: 8.5, color: MUTED },
    );
    w.doc.moveDown(1.2);
    w.write(`Issued ${z.date(c.issuedAt)} by ${c.provider}, from the attendance kept with the session record.`, {
      size: 9.5,
    });
    furniture(w, c.clinicName, 'Continuing education — certificate of attendance');
  });
}
