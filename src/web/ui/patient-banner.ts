import type { Schemas } from '../api/client.js';
import { html } from './html.js';
import { CaseStatusBadge, SyntheticBadge, UrgencyBadge } from './badge.js';
import { morphologyWithName, topographyWithName } from './codes.js';
import { ageOn, calendarDate, words } from './format.js';

export interface BannerPatient {
  caseId: string;
  familyName: string;
  givenName: string;
  mrn: string;
  birthDate: string;
  sex?: string;
  primarySite?: string | null;
  histology?: string | null;
  clinicName?: string;
  status: string;
  urgency?: string;
  synthetic: boolean;
}

/**
 * Who this is, on every patient view: the identifiers a clinician checks
 * before acting (name, MRN, birth date and age, sex), the cancer, the clinic
 * and the case's status.
 */
export function PatientBanner(props: { patient: BannerPatient }) {
  const p = props.patient;
  return html`<section class="patient-banner" aria-label="Patient">
    <div class="pb-name">
      <a href=${`#/case/${p.caseId}`}><strong>${p.familyName.toUpperCase()}</strong>, ${p.givenName}</a>
      ${p.synthetic ? html` <${SyntheticBadge} />` : null}
    </div>
    <dl class="pb-facts">
      <div>
        <dt>MRN</dt>
        <dd>${p.mrn}</dd>
      </div>
      <div>
        <dt>Born</dt>
        <dd>${calendarDate(p.birthDate)} (${ageOn(p.birthDate)} y)</dd>
      </div>
      ${
        p.sex === undefined
          ? null
          : html`<div>
              <dt>Sex</dt>
              <dd>${words(p.sex)}</dd>
            </div>`
      }
      <div>
        <dt>Site</dt>
        <dd>${topographyWithName(p.primarySite)}</dd>
      </div>
      <div>
        <dt>Histology</dt>
        <dd>${morphologyWithName(p.histology)}</dd>
      </div>
      ${
        p.clinicName === undefined
          ? null
          : html`<div>
              <dt>Clinic</dt>
              <dd>${p.clinicName}</dd>
            </div>`
      }
      <div>
        <dt>Status</dt>
        <dd>
          <${CaseStatusBadge}
            status=${p.status}
          />${p.urgency === undefined ? null : html` <${UrgencyBadge} urgency=${p.urgency} />`}
        </dd>
      </div>
    </dl>
  </section>`;
}

/** The banner's facts from a case as the API answers it (the case page, the record viewer). */
export function bannerOf(c: Schemas['CaseDetailDto'], clinicName: string): BannerPatient {
  const dx = c.referringDiagnosis as { primarySite?: string; histology?: string } | null;
  return {
    caseId: c.id,
    familyName: c.patient.familyName,
    givenName: c.patient.givenName,
    mrn: c.patient.mrn,
    birthDate: c.patient.birthDate,
    sex: c.patient.sex,
    primarySite: dx?.primarySite ?? null,
    histology: dx?.histology ?? null,
    clinicName,
    status: c.status,
    urgency: c.urgency,
    synthetic: c.synthetic,
  };
}
