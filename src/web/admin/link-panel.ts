import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { localZone } from './data.js';

/**
 * A one-time set-password link to hand over, with a copy button. The link is
 * shown once: only its hash is stored, and a new one stops the old.
 */
export function LinkPanel(props: { link: Schemas['SetPasswordLinkDto']; who: string }) {
  const url = new URL(props.link.path, location.origin).href;
  const [copied, setCopied] = useState<string>();
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied.');
    } catch {
      // No clipboard (permission refused, insecure page): select it for copying by hand.
      const input = document.getElementById('set-password-link') as HTMLInputElement | null;
      input?.select();
      setCopied('Select the link and copy it by hand (Ctrl+C).');
    }
  };
  return html`<section class="link-panel alert alert-info" aria-labelledby="link-h">
    <h2 id="link-h">Set-password link for ${props.who}</h2>
    <p>
      Give this link to ${props.who} in person or over a trusted channel. It works once, until
      ${' '}${dateTime(props.link.expiresAt, localZone())}; it is not shown again.
    </p>
    <label for="set-password-link">Link</label>
    <div class="link-row">
      <input
        id="set-password-link"
        readonly
        value=${url}
        onFocus=${(e: Event) => (e.target as HTMLInputElement).select()}
      />
      <button type="button" class="btn btn-secondary" onClick=${() => void copy()}>Copy link</button>
    </div>
    <p role="status" class="hint">${copied ?? ''}</p>
  </section>`;
}
