// The random values of an authorization request and PKCE (RFC 7636, method S256), from the Web Crypto API.

const VERIFIER_BYTES = 48; // 64 characters of base64url, inside RFC 7636's 43..128
const UNRESERVED = /^[A-Za-z0-9\-._~]{43,128}$/;

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
export function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** An unguessable value (state, nonce): `bytes` random bytes from crypto.getRandomValues, base64url. */
export function randomValue(crypto = globalThis.crypto, bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A fresh code_verifier: 64 characters from the unreserved set. */
export function createCodeVerifier(crypto = globalThis.crypto) {
  return randomValue(crypto, VERIFIER_BYTES);
}

/** The S256 code_challenge of a verifier: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallenge(verifier, crypto = globalThis.crypto) {
  if (!UNRESERVED.test(verifier)) throw new RangeError('a code_verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
