/**
 * What the platform mails, and to whom. `account_link` (a set-password link)
 * cannot be turned off: without it a new account cannot sign in. The others
 * are each user's choice; `letter_ready` and `guest_invitation` go to people
 * outside the platform (the referring doctor), who have no preferences.
 */
export const NOTIFICATION_KINDS = [
  'account_link',
  'appointment',
  'case_packet',
  'letter_ready',
  'guest_invitation',
  'task_assigned',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The kinds a signed-in user may turn on or off, with their words on the settings screen. */
export const USER_CHOOSABLE_KINDS = [
  'appointment',
  'case_packet',
  'task_assigned',
] as const satisfies readonly NotificationKind[];
export type UserChoosableKind = (typeof USER_CHOOSABLE_KINDS)[number];

export const KIND_LABELS: Record<NotificationKind, string> = {
  account_link: 'Set-password links for your account',
  appointment: 'My clinic-day appointments, and changes to them',
  case_packet: 'The case packet before each board session I am a member of',
  letter_ready: 'The signed second-opinion letter (to the referring doctor)',
  guest_invitation: 'Invitations to join a board session (to guests)',
  task_assigned: 'Follow-up tasks assigned to me',
};

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
