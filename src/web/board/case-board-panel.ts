import { html } from '../ui/html.js';

/**
 * The board's part of the case page: the sessions the case is on, the third
 * opinion request, and the clinic's trials matched to the case (board owns it).
 */
export function CaseBoardPanel(props: { caseId: string; clinicId: string; timeZone: string; onChange?: () => void }) {
  return html`<section aria-labelledby=${`board-${props.caseId}`}>
    <h2 id=${`board-${props.caseId}`}>Board</h2>
  </section>`;
}
