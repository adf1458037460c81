// Bundles the browser app (src/web) into dist/web: `npm run build` runs it.
//
// The bundle and its stylesheet get content-hashed names (main-<hash>.js,
// app-<hash>.css), so the server can let browsers keep them for a year
// (src/web-assets.ts); index.html, which names them, is written here from
// esbuild's metafile and is never cached. Every file is also written gzip'd
// and brotli'd beside itself (.gz, .br), served as such to browsers that take
// them, with nothing compressed per request.
import { readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../dist/web');
// Old hashed files would pile up (and be served) otherwise.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
/**
 * Annotorious draws annotations on OpenSeadragon with a copy of PixiJS built
 * into its bundle, which compiles its uniform setters with `new Function`; the
 * app's Content-Security-Policy allows no eval. @pixi/unsafe-eval is Pixi's own
 * answer (static setters), but it patches the separate @pixi/core package,
 * not the copy inside Annotorious: this applies the same patch to that copy.
 * The build fails if Annotorious no longer has the class the patch is for.
 */
const pixiWithoutEval = {
  name: 'pixi-without-eval',
  setup(b) {
    b.onLoad(
      { filter: /@annotorious[\\/]openseadragon[\\/]dist[\\/]annotorious-openseadragon\.es\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        const shaderSystem =
          /class (\w+) \{\s*\/\*\* @param renderer - The renderer this System works for\. \*\/\s*constructor\(\w+\) \{\s*this\.destroyed = !1, this\.renderer = \w+, this\.systemCheck\(\)/.exec(
            source,
          );
        if (shaderSystem === null)
          throw new Error(
            "Annotorious's bundled PixiJS ShaderSystem was not found: revisit the pixi-without-eval patch",
          );
        const setters = path.resolve(here, '../../node_modules/@pixi/unsafe-eval/lib/syncUniforms.mjs');
        return {
          contents: `${source}
import { syncUniforms as consiliumSyncUniforms } from ${JSON.stringify(setters)};
Object.assign(${shaderSystem[1]}.prototype, {
  systemCheck() {},
  syncUniforms(group, glProgram) {
    const { shader, renderer } = this;
    consiliumSyncUniforms(group, shader.program.uniformData, glProgram.uniformData, group.uniforms, renderer);
  },
});
`,
          loader: 'js',
        };
      },
    );
  },
};

const result = await build({
  plugins: [pixiWithoutEval],
  entryPoints: [path.join(here, 'main.ts'), path.join(here, 'app.css')],
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir: out,
  metafile: true,
  logLevel: 'warning',
});

/** The output file of an entry point, as a URL path. */
function outputOf(entry) {
  const found = Object.entries(result.metafile.outputs).find(
    ([, meta]) => meta.entryPoint !== undefined && path.resolve(meta.entryPoint) === path.resolve(here, entry),
  );
  if (found === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return `/${path.relative(out, path.resolve(found[0])).split(path.sep).join('/')}`;
}

const template = await readFile(path.join(here, 'index.html'), 'utf8');
const names = { '/app.js': outputOf('main.ts'), '/app.css': outputOf('app.css') };
let html = template;
for (const [plain, hashed] of Object.entries(names)) {
  if (!html.includes(`"${plain}"`)) throw new Error(`src/web/index.html no longer references ${plain}`);
  html = html.replaceAll(`"${plain}"`, `"${hashed}"`);
}
await writeFile(path.join(out, 'index.html'), html);

// PDF.js parses documents in a worker of its own, fetched by URL (src/web/review/pdf-view.ts).
const worker = path.join(out, 'pdf.worker.min.mjs');
await writeFile(worker, await readFile(path.resolve(here, '../../node_modules/pdfjs-dist/build/pdf.worker.min.mjs')));

const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);
const files = [
  ...Object.keys(result.metafile.outputs).map((f) => path.resolve(f)),
  path.join(out, 'index.html'),
  worker,
];
for (const file of files) {
  const bytes = await readFile(file);
  await writeFile(`${file}.gz`, await gzipped(bytes, { level: 9 }));
  await writeFile(
    `${file}.br`,
    await brotlied(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
}
