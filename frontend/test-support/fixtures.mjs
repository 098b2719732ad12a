// Shared pieces of the page's tests: storage, a clock with timers, OIDC settings and unsigned JWTs.

/** A Storage-like map; `map` shows what was written. */
export function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return {
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => map.set(key, String(value)),
    removeItem: (key) => map.delete(key),
    map,
  };
}

/** A clock whose timers run only when the test moves time on. */
export function fakeClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  let serial = 0;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(callback, delay = 0) {
      serial += 1;
      timers.set(serial, { at: now + Math.max(0, delay), callback });
      return serial;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    /** The times the pending timers are due at, soonest first. */
    pending: () => [...timers.values()].map((timer) => timer.at).sort((a, b) => a - b),
    /** Moves time on by `ms`, running every timer that comes due (in order). */
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

export const OIDC_CONFIG = {
  mode: 'oidc',
  issuer: 'https://id.example.test/realms/chat',
  clientId: 'chat-page',
  authorizationEndpoint: 'https://id.example.test/realms/chat/protocol/openid-connect/auth',
  tokenEndpoint: 'https://id.example.test/realms/chat/protocol/openid-connect/token',
  scopes: ['openid', 'email', 'profile'],
  logout: { url: 'https://id.example.test/realms/chat/protocol/openid-connect/logout', style: 'oidc' },
};
export const PAGE_ORIGIN = 'https://chat.example.test';

/** An unsigned JWT with these claims (the page only reads the payload; the server checks signatures). */
export function jwt(claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}.c2lnbmF0dXJl`;
}

export function jsonResponse(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
