import { html } from '../ui/html.js';

/** The case's one-day itinerary on the case page: propose, edit, book, cancel, export (scheduling owns it). */
export function ItineraryPanel(props: { caseId: string; clinicId: string; timeZone: string; onChange?: () => void }) {
  return html`<section aria-labelledby=${`itinerary-${props.caseId}`}>
    <h2 id=${`itinerary-${props.caseId}`}>Clinic visit</h2>
  </section>`;
}
