/**
 * Codes always with their names, from the same ICD-O-3 lists the server
 * validates against (src/cases/clinical/codes.ts, bundled into the app).
 */
import { morphologyName, siteName, topographyName } from '../../cases/clinical/codes.js';

/** "C50.4 Upper-outer quadrant of breast". */
export function topographyWithName(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const name = topographyName(code) ?? siteName(code);
  return name === undefined ? code : `${code} ${name}`;
}

/** "8500/3 Infiltrating duct carcinoma, NOS". */
export function morphologyWithName(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const name = morphologyName(code);
  return name === undefined ? code : `${code} ${name}`;
}
