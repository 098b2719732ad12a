import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

test('the build writes the page and its vendored libraries', () => {
  const dist = new URL('../dist/', import.meta.url);
  assert.ok(existsSync(new URL('index.html', dist)));
  assert.ok(existsSync(new URL('vendor/marked.esm.js', dist)));
  assert.ok(existsSync(new URL('vendor/purify.es.mjs', dist)));
});
