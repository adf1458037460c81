import { useState } from 'preact/hooks';
import { Button } from '../ui/button.js';
import { html } from '../ui/html.js';

/**
 * The referring doctor's page, opened from the mailed link without an
 * account: one button that fetches the signed letter (the token is posted,
 * never put in a URL the server logs) and saves it.
 */
export function LetterDownload(props: { token: string }) {
  const [state, setState] = useState<{ done?: boolean; error?: string }>({});
  const download = async (): Promise<void> => {
    const res = await fetch('/api/letters/download', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: props.token }),
    });
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string };
      setState({ error: problem.detail ?? 'The letter could not be fetched; try again later.' });
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'second-opinion-letter.pdf';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setState({ done: true });
  };
  return html`<main class="letter-page">
    <h1>Second-opinion letter</h1>
    <p>
      The tumor board has signed its treatment plan for a patient you referred. The letter is a PDF for your records;
      this page works until the link's expiry date in the mail.
    </p>
    <${Button} variant="primary" onClick=${download}>Download the letter (PDF)<//>
    ${state.done === true ? html`<p role="status">The letter was downloaded. You can close this page.</p>` : null}
    ${state.error === undefined ? null : html`<p class="warn" role="alert">${state.error}</p>`}
  </main>`;
}
