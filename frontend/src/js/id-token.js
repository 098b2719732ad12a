// Reads the claims of an ID token. Only the payload is decoded: the server verifies signatures, issuer and expiry
// on every call; the page reads the claims to check its own nonce and to know when to refresh.

/** The payload of a JWT as an object; throws a TypeError when the token is not a JWT with a JSON payload. */
export function decodeJwtPayload(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts[1] === '') throw new TypeError('not a JWT');
  const base64 = parts[1].replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new TypeError('the JWT payload is not an object');
  return claims;
}

/** True when the token's `aud` (a string or a list) names the client. */
export function audienceIncludes(claims, clientId) {
  return Array.isArray(claims.aud) ? claims.aud.includes(clientId) : claims.aud === clientId;
}
