import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { base64url, codeChallenge, createCodeVerifier, randomValue } from '../src/js/pkce.js';

const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;

test('the code_challenge of RFC 7636’s example verifier is the RFC’s challenge (Appendix B)', async () => {
  // The RFC's 32 example octets encode to its verifier, whose S256 challenge the RFC gives.
  const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
    240, 91, 88, 5, 88, 83, 132, 141, 121];
  assert.equal(base64url(Uint8Array.from(octets)), 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
  assert.equal(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', webcrypto), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('a code_verifier is 43 to 128 characters of the unreserved set, different every time', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i += 1) {
    const verifier = createCodeVerifier(webcrypto);
    assert.ok(verifier.length >= 43 && verifier.length <= 128, `length ${verifier.length}`);
    assert.match(verifier, UNRESERVED);
    seen.add(verifier);
  }
  assert.equal(seen.size, 200);
});

test('random values come from crypto.getRandomValues', () => {
  const asked = [];
  const crypto = { getRandomValues(array) { asked.push(array.length); array.fill(0xfb); return array; } };
  assert.equal(randomValue(crypto, 3), '-_v7');
  assert.equal(createCodeVerifier(crypto).length, 64);
  assert.deepEqual(asked, [3, 48]);
  assert.equal(randomValue(webcrypto).length, 43, '32 bytes by default');
});

test('a verifier outside RFC 7636’s rules is refused instead of hashed', async () => {
  await assert.rejects(codeChallenge('too-short', webcrypto), RangeError);
  await assert.rejects(codeChallenge(`${'a'.repeat(43)} `, webcrypto), RangeError);
  await assert.rejects(codeChallenge('a'.repeat(129), webcrypto), RangeError);
  assert.match(await codeChallenge('a'.repeat(128), webcrypto), /^[A-Za-z0-9_-]{43}$/);
});

test('base64url has no padding and uses - and _', () => {
  assert.equal(base64url(Uint8Array.from([0xfb, 0xff])), '-_8');
  assert.equal(base64url(new Uint8Array(0)), '');
});
