import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { ConfirmButton } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, TextAreaField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { sessionWhen } from './sessions.js';
import {
  CriterionBadge,
  EligibilityBadge,
  phaseWords,
  sentence,
  SessionStatusBadge,
  TRIAL_STATUS_WORDS,
} from './words.js';

type Match = Schemas['TrialMatchResultDto'];

/**
 * The board's part of the case page: the sessions the case is on, the third
 * opinion request, and the clinic's trials matched to the case (board owns it).
 */
export function CaseBoardPanel(props: { caseId: string; clinicId: string; timeZone: string; onChange?: () => void }) {
  const [n, setN] = useState(0);
  const changed = (): void => {
    setN((x) => x + 1);
    props.onChange?.();
  };
  return html`<section aria-labelledby=${`board-${props.caseId}`} class="case-board">
    <h2 id=${`board-${props.caseId}`}>Board</h2>
    <${CaseSessions} caseId=${props.caseId} timeZone=${props.timeZone} refreshKey=${n} />
    <${ThirdOpinion} caseId=${props.caseId} refreshKey=${n} onRequested=${changed} />
    <${TrialMatches} caseId=${props.caseId} refreshKey=${n} />
  </section>`;
}

function CaseSessions(props: { caseId: string; timeZone: string; refreshKey: number }) {
  const sessions = useLoad(
    () => ok(client.GET('/api/board-sessions', { params: { query: { caseId: props.caseId, limit: 50 } } })),
    [props.caseId, props.refreshKey],
  );
  return html`<h3>Board sessions</h3>
    ${
      sessions.error !== undefined
        ? html`<${LoadError} text=${sessions.error} retry=${sessions.reload} />`
        : sessions.data === undefined
          ? html`<${Loading} what="the sessions" />`
          : sessions.data.items.length === 0
            ? html`<p class="muted">Not on any board session’s agenda yet.</p>`
            : html`<ul class="case-sessions">
                ${sessions.data.items.map(
                  (s) =>
                    html`<li key=${s.id}>
                      <a href=${`#/board/${s.id}`}>${s.title}</a>, ${`${sessionWhen(s, props.timeZone)} `}
                      <${SessionStatusBadge} status=${s.status} />
                    </li>`,
                )}
              </ul>`
    }`;
}

/** Asking an outside expert: irreversible (the case leaves the board's decision), so it confirms first. */
function ThirdOpinion(props: { caseId: string; refreshKey: number; onRequested: () => void }) {
  const kase = useLoad(
    () => ok(client.GET('/api/cases/{id}', { params: { path: { id: props.caseId } } })),
    [props.caseId, props.refreshKey],
  );
  const [reviewer, setReviewer] = useState('');
  const [institution, setInstitution] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const request = async (): Promise<void> => {
    try {
      await ok(
        client.POST('/api/cases/{id}/third-opinion', {
          params: { path: { id: props.caseId } },
          body: { reviewer, institution, reason },
        }),
      );
      setErrors({});
      setDone(`A third opinion was requested from ${reviewer} (${institution}).`);
      setReviewer('');
      setInstitution('');
      setReason('');
      toastSuccess('Third opinion requested.');
      props.onRequested();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  const status = kase.data?.status;
  const head = html`<h3 id=${`third-${props.caseId}`}>Third opinion</h3>`;
  const said = done === undefined ? null : html`<p role="status" class="alert alert-info">${done}</p>`;
  if (status === 'third_opinion_requested')
    return html`<div class="third-opinion">
      ${head}${said ?? html`<p>A third opinion has been requested; the case waits for it.</p>`}
    </div>`;
  if (status !== undefined && status !== 'in_review')
    return html`<div class="third-opinion">
      ${head}
      <p class="muted">
        A third opinion can be asked for once the board has discussed the case and cannot agree (the case is then “In
        board review”).
      </p>
    </div>`;
  return html`<div class="third-opinion">
    ${head}
    <p class="muted">
      When the board cannot agree, an outside expert reviews the case. The request is recorded and the case waits for
      their opinion.
    </p>
    <div class="field-row">
      ${Field({ label: 'Reviewer', name: 'third-reviewer', value: reviewer, onInput: setReviewer, required: true, placeholder: 'Dr Jane Doe', error: errors.reviewer })}
      ${Field({
        label: 'Institution',
        name: 'third-institution',
        value: institution,
        onInput: setInstitution,
        required: true,
        error: errors.institution,
      })}
    </div>
    ${TextAreaField({ label: 'Why a third opinion', name: 'third-reason', value: reason, onInput: setReason, required: true, error: errors.reason })}
    ${errors.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${errors.form}</div>`}
    <div class="actions">
      <${ConfirmButton}
        title="Request a third opinion?"
        message=${html`<p>
          The case moves to “Third opinion requested” and stays there until the outside opinion is in. This cannot be
          undone.
        </p>`}
        confirmLabel="Request the third opinion"
        onConfirm=${request}
        >Request a third opinion<//
      >
    </div>
  </div>`;
}

function TrialMatches(props: { caseId: string; refreshKey: number }) {
  const matches = useLoad(
    () => ok(client.GET('/api/cases/{id}/trial-matches', { params: { path: { id: props.caseId } } })),
    [props.caseId, props.refreshKey],
  );
  return html`<h3>Clinical trials</h3>
    ${
      matches.error !== undefined
        ? html`<${LoadError} text=${matches.error} retry=${matches.reload} />`
        : matches.data === undefined
          ? html`<${Loading} what="the trials" />`
          : matches.data.length === 0
            ? html`<${EmptyState} title="No open trial in this clinic’s list"
                >Coordinators keep the list under <a href="#/trials">Trials</a>.<//
              >`
            : html`<ul class="trial-matches">
                ${matches.data.map((m) => html`<${TrialMatchCard} key=${m.id} match=${m} />`)}
              </ul>`
    }`;
}

function TrialMatchCard(props: { match: Match }) {
  const m = props.match;
  const toCheck = m.match.criteria.filter((c) => c.result === 'unknown');
  return html`<li class="card trial-match">
    <p class="trial-title"><strong>${m.nctId}</strong> ${m.title}</p>
    <p>
      <${EligibilityBadge} status=${m.match.status} />
      ${` ${phaseWords(m.phase)}, ${TRIAL_STATUS_WORDS[m.status]}. ${m.match.met} met, ${m.match.failed} not met, ${m.match.unknown} to check.`}
    </p>
    ${
      toCheck.length === 0
        ? null
        : html`<p class="trial-check">
            To check: ${toCheck.map((c) => `${sentence(c.criterion)} (${c.detail})`).join('; ')}.
          </p>`
    }
    <details>
      <summary>Every criterion</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Criterion</th>
              <th scope="col">Result</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            ${m.match.criteria.map(
              (c) =>
                html`<tr>
                  <th scope="row">${sentence(c.criterion)}</th>
                  <td><${CriterionBadge} result=${c.result} /></td>
                  <td>${c.detail}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </li>`;
}
