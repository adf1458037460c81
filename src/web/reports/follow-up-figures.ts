import type { operations } from '../api/schema.js';
import { plural } from '../ui/format.js';
import { html } from '../ui/html.js';

type Figures = operations['ReportsController_conference']['responses'][200]['content']['application/json']['followUp'];

const median = (d: { count: number; median: number | null }): string =>
  d.median === null
    ? 'no case with both dates recorded'
    : `median ${plural(d.median, 'day')} (${plural(d.count, 'case')})`;

/** The conference report's follow-up figures: what happened after the board, from recorded data only. */
export function FollowUpFigures(props: { figures: Figures }) {
  const f = props.figures;
  return html`<div class="table-wrap">
    <table>
      <caption class="muted">
        ${`What happened next: the ${plural(f.casesFirstPresented, 'case')} first presented this year`}
      </caption>
      <tbody>
        <tr>
          <th scope="row">Referral to first board presentation</th>
          <td>${median(f.referralToBoardDays)}</td>
        </tr>
        <tr>
          <th scope="row">Board to first treatment start</th>
          <td>${median(f.boardToTreatmentDays)}</td>
        </tr>
        <tr>
          <th scope="row">Postponed to a later session</th>
          <td>${`${plural(f.postponedCases, 'case')} (${plural(f.postponements, 'postponement')})`}</td>
        </tr>
        <tr>
          <th scope="row">Outcome of the recommendation</th>
          <td>
            ${`carried out ${f.outcomes.carried_out}, modified ${f.outcomes.modified}, declined ${f.outcomes.declined}, not recorded ${f.outcomes.not_recorded}`}
          </td>
        </tr>
        <tr>
          <th scope="row">Action items</th>
          <td>
            ${`${f.actionItems.open} open (${f.actionItems.overdue} overdue), ${f.actionItems.done} done, ${f.actionItems.cancelled} cancelled`}
          </td>
        </tr>
      </tbody>
    </table>
  </div>`;
}
