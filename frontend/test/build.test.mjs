// Checks the built page in frontend/dist (Maven builds it before the test phase): complete, self-contained, CSP-clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const root = join(here, '..', '..');
const html = readFileSync(join(dist, 'index.html'), 'utf8');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}
const pageModules = files(join(dist, 'js')).filter((file) => file.endsWith('.js'));
const attributes = (name) => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

test('the page, its stylesheet, icon and every module it references are in dist', () => {
  const references = [...attributes('href'), ...attributes('src')].filter((ref) => !ref.startsWith('#'));
  assert.ok(references.length > 5, 'references found');
  for (const ref of references) assert.ok(existsSync(join(dist, ref)), `missing ${ref}`);
});

test('nothing is loaded from another origin at run time', () => {
  assert.doesNotMatch(html, /\s(src|href)="(https?:)?\/\//);
  for (const file of [...pageModules, join(dist, 'css', 'app.css')]) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /from\s+['"](https?:)?\/\//, file);
    assert.doesNotMatch(text, /@import|url\((['"])?(https?:)?\/\//, file);
  }
});

test('index.html works under the strict CSP: no inline script, style element, style attribute or handler', () => {
  for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(script[1], /\ssrc="/, 'every script has a src');
    assert.equal(script[2].trim(), '', 'no inline script body');
  }
  assert.doesNotMatch(html, /<style\b/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.doesNotMatch(html, /javascript:/i);
});

test('every static import between modules resolves to a file in dist', () => {
  for (const file of [...pageModules]) {
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      assert.ok(specifier.startsWith('./') || specifier.startsWith('../'), `${relative(dist, file)} imports a bare specifier ${specifier}`);
      assert.ok(existsSync(join(dirname(file), specifier)), `${relative(dist, file)} → ${specifier}`);
    }
  }
});

test('every page module is preloaded, so the browser fetches them in parallel', () => {
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  for (const file of pageModules) assert.ok(preloaded.has(relative(dist, file)), `${relative(dist, file)} is not preloaded`);
  assert.ok(preloaded.has('vendor/marked.esm.js') && preloaded.has('vendor/purify.es.mjs'));
});

test('the vendored libraries are the pinned npm versions and expose what the page uses', async () => {
  assert.deepEqual(readFileSync(join(dist, 'vendor', 'marked.esm.js')), readFileSync(join(root, 'node_modules/marked/lib/marked.esm.js')));
  assert.deepEqual(readFileSync(join(dist, 'vendor', 'purify.es.mjs')), readFileSync(join(root, 'node_modules/dompurify/dist/purify.es.mjs')));
  const { Marked } = await import(pathToFileURL(join(dist, 'vendor', 'marked.esm.js')).href);
  assert.equal(typeof Marked, 'function');
  // Outside a browser DOMPurify's default export is a factory; in the page it is bound to the window.
  const factory = (await import(pathToFileURL(join(dist, 'vendor', 'purify.es.mjs')).href)).default;
  const purify = factory(new JSDOM('').window);
  assert.equal(typeof purify.addHook, 'function');
  assert.equal(purify.sanitize('<img src=x onerror=alert(1)>'), '<img src="x">');
});

test('only the wiring module touches localStorage (the model choice, and removing an older page’s list): tokens never go there', () => {
  const code = (file) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$|\s\/\/\s.*$/gm, '');
  const users = pageModules.filter((file) => /localStorage/.test(code(file))).map((file) => relative(dist, file));
  assert.deepEqual(users, ['js/app.js']);
  const wiring = readFileSync(join(dist, 'js', 'app.js'), 'utf8');
  assert.deepEqual([...wiring.matchAll(/\blocal\?\.(\w+)\(([^)]*)\)/g)].map((m) => `${m[1]}(${m[2]})`).sort(),
    ['getItem(MODEL_KEY)', 'setItem(MODEL_KEY, ui.modelSelect.value)'].sort());
});
