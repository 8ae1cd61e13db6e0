// Builds the console into dist/web: one bundled, minified script and stylesheet with content hashes in their names
// and an index.html naming them. No network at build or run time. `node web/build.mjs` (part of `npm run build`).
/* global console */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'web');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const js = result.outputFiles[0].contents;
const css = readFileSync(join(here, 'src', 'style.css'));
const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 8).toUpperCase();
const jsName = `app.${hash(js)}.js`;
const cssName = `app.${hash(css)}.css`;
writeFileSync(join(out, jsName), js);
writeFileSync(join(out, cssName), css);
const icon = readFileSync(join(here, 'src', 'icon.svg'));
writeFileSync(join(out, 'icon.svg'), icon);
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Outpost</title>
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${cssName}">
</head>
<body>
<div id="app"></div>
<noscript>Outpost 控制台需要 JavaScript / The Outpost console needs JavaScript.</noscript>
<script type="module" src="${jsName}"></script>
</body>
</html>
`,
);
console.log(`web console: dist/web/${jsName} (${js.length} bytes), ${cssName} (${css.length} bytes)`);
