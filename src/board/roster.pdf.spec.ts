import { describe, expect, it } from '@jest/globals';
import { flatText, pdfPageTexts } from '../../test/utils/pdf-text.js';
import type { Certificate } from './attendance-roster.service.js';
import type { SessionRosterDto } from './dto/roster.dto.js';
import { certificatePdf, sessionRosterPdf } from './roster.pdf.js';

const session = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Thoracic tumor board',
  startsAt: '2026-07-01T16:00:00.000Z',
  endsAt: '2026-07-01T17:00:00.000Z',
  status: 'closed',
  closedAt: '2026-07-01T17:05:00.000Z',
};
const attendee = {
  userId: '00000000-0000-4000-8000-000000000002',
  displayName: 'Zoë Ångström',
  profession: 'medical_physicist' as const,
  credentials: 'PhD, DABR',
  disciplines: ['radiation_oncology'],
  stays: [
    {
      discipline: 'radiation_oncology',
      joinedAt: '2026-07-01T16:10:00.000Z',
      leftAt: null,
      countedFrom: '2026-07-01T16:10:00.000Z',
      countedTo: '2026-07-01T17:00:00.000Z',
      countedUntil: 'session_end' as const,
      minutes: 50,
    },
  ],
  minutes: 50,
  creditHours: 0.75,
};
const text = async (pdf: Buffer): Promise<string> => flatText((await pdfPageTexts(pdf)).join('\n'));

describe(certificatePdf.name, () => {
  it('should claim no credit when no designation is configured', async () => {
    const c: Certificate = {
      clinicName: 'Lung Clinic',
      timeZone: 'Europe/Berlin',
      provider: 'Lung Clinic',
      creditDesignation: null,
      person: attendee,
      sessions: [{ session, attendance: attendee }],
      minutes: 50,
      creditHours: 0.75,
      year: null,
      issuedAt: new Date('2026-07-02T08:00:00Z'),
    };
    const t = await text(await certificatePdf(c));
    expect(t).toContain('Zoë Ångström, PhD, DABR');
    expect(t).toContain('Profession: Medical physicist');
    expect(t).toContain('1 Jul 2026, 18:00–19:00 GMT+2');
    expect(t).toContain('Attended 0.75 hours (50 minutes)');
    expect(t).toContain("18:10–(19:00), 50 min; not checked out: counted to the session's end");
    expect(t).toContain('records attendance only and does not award credit');
    expect(t).not.toMatch(/AMA PRA|Physicians should claim/);
  });
});

describe(sessionRosterPdf.name, () => {
  it('should say when nobody checked in', async () => {
    const r: SessionRosterDto = {
      clinicId: '00000000-0000-4000-8000-000000000003',
      clinicName: 'Lung Clinic',
      timeZone: 'Europe/Berlin',
      session,
      attendees: [],
      creditDesignation: null,
    };
    const t = await text(await sessionRosterPdf(r));
    expect(t).toContain('Nobody checked in to this session.');
    expect(t).toContain('0 attendees; 0 minutes attended in all.');
  });
});
