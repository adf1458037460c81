import htm from 'htm';
import { h } from 'preact';

/** JSX-like templates without a compile step: html`<${Component} prop=${x} />`. */
export const html = htm.bind(h);
