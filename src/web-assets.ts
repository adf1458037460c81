import path from 'node:path';
import type { FastifyStaticOptions } from '@fastify/static';

// esbuild's content hash (src/web/build.mjs: entryNames "[name]-[hash]"): eight base32 characters.
const HASHED = /-[A-Z2-7]{8}\.(?:js|css)(?:\.map)?$/;
const ENCODED = /\.(?:br|gz)$/;

/**
 * Browser caching of the app's own files. A content-hashed file never
 * changes under its name: a year, immutable. Everything else (index.html,
 * which names the hashed files) is revalidated on every load, so a new
 * build is picked up at once. API answers are not served from here; they
 * keep `no-store` (src/audit/audit-hooks.ts).
 */
export function webCacheControl(file: string): string {
  const name = path.basename(file).replace(ENCODED, '');
  return HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** @fastify/static for dist/web: the build's .br and .gz beside each file go to browsers that accept them. */
export function webAssetOptions(root: string): FastifyStaticOptions {
  return {
    root,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    // @fastify/send's own header (public, max-age=0) gives way to ours.
    cacheControl: false,
    setHeaders: (reply, file) => {
      void reply.header('cache-control', webCacheControl(file));
    },
  };
}
