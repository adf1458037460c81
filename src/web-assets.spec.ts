import { describe, expect, it } from '@jest/globals';
import { webCacheControl } from './web-assets.js';

describe(webCacheControl.name, () => {
  it('should cache content-hashed files for a year, in every encoding, and revalidate the rest', () => {
    for (const file of [
      '/w/main-2D5AS5OK.js',
      '/w/app-PBGLMEAT.css',
      '/w/main-2D5AS5OK.js.map',
      '/w/app-PBGLMEAT.css.br',
      '/w/main-2D5AS5OK.js.gz',
    ]) {
      expect({ file, cache: webCacheControl(file) }).toEqual({ file, cache: 'public, max-age=31536000, immutable' });
    }
    for (const file of [
      '/w/index.html',
      '/w/index.html.br',
      '/w/main.js',
      '/w/app-lower123.css',
      '/w/x-2D5AS5OK.html',
    ]) {
      expect({ file, cache: webCacheControl(file) }).toEqual({ file, cache: 'no-cache' });
    }
  });
});
