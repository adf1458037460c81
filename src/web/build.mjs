// Bundles the browser app (src/web) into dist/web: `npm run build` runs it.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../dist/web');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) await copyFile(path.join(here, file), path.join(out, file));
