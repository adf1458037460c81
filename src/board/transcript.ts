import type { Transcript } from './board-sessions.service.js';
import type { BoardEvent } from '../events/event-log.service.js';

/** Text as one Markdown line that cannot open headings, lists, links or HTML. */
function inline(text: unknown): string {
  return String(text)
    .replace(/\s+/g, ' ')
    .replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

function describe(e: BoardEvent): string {
  const p = e.payload;
  switch (e.type) {
    case 'message.posted':
      return `**${inline(p.author ?? e.actor ?? 'unknown')}**${e.caseId === null ? '' : ` (case ${e.caseId})`}: ${inline(p.body)}`;
    case 'case.presenting':
      return `Now presenting case ${e.caseId ?? ''}${p.mode === 'standard_of_care' ? ' (standard of care)' : ''}`;
    case 'attendance.changed':
      return `Attendance: ${inline(p.action)} ${inline(p.userId)}${p.discipline === undefined ? '' : ` (${inline(p.discipline)})`}`;
    case 'agenda.changed':
      return 'Agenda changed';
    case 'session.changed':
      return `Session ${inline(p.status)}`;
    default:
      return `${inline(e.type)}${e.caseId === null ? '' : ` — case ${e.caseId}`}`;
  }
}

/** The transcript as Markdown: header, attendance and quorum, agenda, then everything in order. */
export function transcriptMarkdown(t: Transcript): string {
  const lines = [
    `# ${inline(t.session.title)}`,
    '',
    `- Session: ${t.session.id}`,
    `- From ${t.session.startsAt} to ${t.session.endsAt} (${t.session.status})`,
    ...(t.session.location === null ? [] : [`- Place: ${inline(t.session.location)}`]),
    '',
    '## Attendance',
    '',
    ...t.attendance.entries.map(
      (a) => `- ${inline(a.displayName)} — ${a.discipline}, ${a.joinedAt} to ${a.leftAt ?? 'end'}`,
    ),
    '',
    `Quorum ${t.attendance.quorum.met ? 'met' : `not met (missing: ${t.attendance.quorum.missing.join(', ')})`}.`,
    '',
    '## Agenda',
    '',
    ...t.agenda.map(
      (a, i) =>
        `${i + 1}. Case ${a.caseId} — ${a.mode === 'discuss' ? 'discussed' : 'standard of care (not discussed)'}` +
        (a.presentedAt === null
          ? ''
          : `, presented ${a.presentedAt} (${a.prospectiveStatus === 'unknown' ? 'prospective or not: unknown' : (a.prospectiveStatus ?? 'unknown')})`),
    ),
    '',
    '## Discussion and decisions',
    '',
    ...t.events.map((e) => `- ${e.at} — ${describe(e)}`),
  ];
  if (t.omittedMessages > 0)
    lines.push(
      '',
      `_${t.omittedMessages} message(s) about patients who did not consent to recording are not exported._`,
    );
  return `${lines.join('\n')}\n`;
}
