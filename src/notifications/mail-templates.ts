/**
 * The words of every mail, as pure functions of what they may say. None of
 * them takes patient data: no name, MRN, birth date or diagnosis ever
 * reaches a mail body (mail leaves the platform's audit). A mail says that
 * something happened and links into the app, where reading is authorised and
 * audited; the case packet names cases by their reference only.
 */
export interface Mail {
  subject: string;
  text: string;
}

const SIGNATURE = '\n\n— Consilium (this message was sent automatically; please do not reply)';

/** "2026-12-07 18:00 UTC": an instant for a reader whose time zone the platform does not know. */
export function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "medical_oncology" → "Medical oncology". */
export function disciplineWords(discipline: string): string {
  const w = discipline.replace(/_/g, ' ');
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A case's short reference as the app shows it (the first block of its id). */
export function caseReference(caseId: string): string {
  return `C-${caseId.slice(0, 8).toUpperCase()}`;
}

export function setPasswordMail(input: {
  displayName: string;
  link: string;
  expiresAt: string;
  purpose: 'invite' | 'reset';
}): Mail {
  const invite = input.purpose === 'invite';
  return {
    subject: invite ? 'Your Consilium account' : 'Reset your Consilium password',
    text:
      `Hello ${input.displayName},\n\n` +
      (invite
        ? 'An administrator created a Consilium account for you. Choose your password here:\n'
        : 'An administrator issued a link to set a new password for your Consilium account:\n') +
      `${input.link}\n\nThe link works once and expires ${input.expiresAt}. ` +
      'If you did not expect this message, tell your administrator.' +
      SIGNATURE,
  };
}

export interface AppointmentLine {
  /** "Tue 8 Dec 2026, 09:00–09:45 (Europe/Berlin)" — already in the clinic's time zone. */
  when: string;
  discipline: string;
  room: string | null;
  caseId: string;
}

export function appointmentMail(input: {
  displayName: string;
  clinicName: string;
  change: 'booked' | 'cancelled' | 'moved';
  lines: AppointmentLine[];
  link: string;
}): Mail {
  const verb = { booked: 'New', cancelled: 'Cancelled', moved: 'Changed' }[input.change];
  const intro = {
    booked: 'You have new appointments on a clinic day:',
    cancelled: 'These appointments of yours were cancelled:',
    moved: 'Your appointments for a patient were re-planned; the times now are:',
  }[input.change];
  const lines = input.lines
    .map(
      (l) =>
        `- ${l.when}, ${l.discipline}${l.room === null ? '' : `, room ${l.room}`}, case ${caseReference(l.caseId)}`,
    )
    .join('\n');
  return {
    subject: `${verb} clinic-day appointment${input.lines.length === 1 ? '' : 's'} — ${input.clinicName}`,
    text: `Hello ${input.displayName},\n\n${intro}\n${lines}\n\nOpen your schedule in Consilium: ${input.link}${SIGNATURE}`,
  };
}

export interface PacketItem {
  position: number;
  caseId: string;
  kind: 'discuss' | 'standard_of_care';
  /** Why it is presented, in words, never identifying ones. */
  topic: string;
}

export function casePacketMail(input: {
  displayName: string;
  clinicName: string;
  when: string;
  items: PacketItem[];
  link: string;
}): Mail {
  const lines =
    input.items.length === 0
      ? 'No case is on the agenda yet.'
      : input.items
          .map(
            (i) =>
              `${i.position}. Case ${caseReference(i.caseId)} — ${i.kind === 'discuss' ? 'for discussion' : 'standard of care (listed, not discussed)'}; ${i.topic}`,
          )
          .join('\n');
  return {
    subject: `Case packet: ${input.clinicName} board, ${input.when}`,
    text:
      `Hello ${input.displayName},\n\nThe ${input.clinicName} tumor board meets ${input.when}. ` +
      `The agenda (${input.items.length} case${input.items.length === 1 ? '' : 's'}):\n${lines}\n\n` +
      `Each case's summary, records and referring diagnosis are in the packet in Consilium: ${input.link}` +
      SIGNATURE,
  };
}

export function letterReadyMail(input: {
  referringClinician: string;
  institution: string;
  link: string;
  expiresAt: string;
}): Mail {
  return {
    subject: 'A second-opinion letter is ready for you',
    text:
      `Dear ${input.referringClinician},\n\n` +
      `The tumor board has signed its treatment plan for a patient you referred from ${input.institution}. ` +
      `The letter can be downloaded here:\n${input.link}\n\n` +
      `The link works until ${input.expiresAt}; for your patient's privacy this mail names no patient. ` +
      'If you did not refer a patient to us, please ignore this message.' +
      SIGNATURE,
  };
}

/** A follow-up task from a signed plan, to its responsible clinician: the case by reference, the task in the app. */
export function taskAssignedMail(input: {
  displayName: string;
  caseId: string;
  dueDate: string;
  change: 'assigned' | 'reassigned';
  link: string;
}): Mail {
  return {
    subject: `Follow-up task for case ${caseReference(input.caseId)}`,
    text:
      `Hello ${input.displayName},\n\n` +
      `${input.change === 'assigned' ? 'A follow-up task from a signed treatment plan was assigned to you' : 'A follow-up task from a signed treatment plan was passed on to you'}` +
      ` for case ${caseReference(input.caseId)}, due ${input.dueDate}. ` +
      'You are named as the responsible clinician. What to do is in Consilium, under My tasks:\n' +
      `${input.link}` +
      SIGNATURE,
  };
}

export function guestInvitationMail(input: {
  guestName: string;
  clinicName: string;
  sessionTitle: string;
  startsAt: Date;
  timeZone: string;
  caseId: string;
  link: string;
  linkExpiresAt: Date;
}): Mail {
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: input.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(input.startsAt);
  return {
    subject: `Invitation to the ${input.clinicName} tumor board`,
    text:
      `Dear ${input.guestName},\n\n` +
      `You are invited to join the ${input.clinicName} tumor board ("${input.sessionTitle}") on ${when} (${input.timeZone}) ` +
      `for the discussion of your patient, case ${caseReference(input.caseId)}. ` +
      `Open this link to join; it works once, on one device, until ${utcMinute(input.linkExpiresAt)}:\n${input.link}\n\n` +
      'You will see and discuss that case only, and can post while it is presented; the board members vote on the plan.' +
      SIGNATURE,
  };
}
