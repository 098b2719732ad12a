// The signed-in session against a scripted token endpoint and API, with a clock the test moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { createOidcClient, PENDING_KEY } from '../src/js/oidc-client.js';
import { createOidcSession, REFRESH_RETRY_MS, TOKENS_KEY, refreshTime } from '../src/js/oidc-session.js';
import { createDraftKeeper, DRAFT_KEY } from '../src/js/drafts.js';
import { createApi } from '../src/js/api.js';
import { ApiError } from '../src/js/errors.js';
import { OIDC_CONFIG, PAGE_ORIGIN, fakeClock, jsonResponse, jwt, memoryStorage, settle } from '../test-support/fixtures.mjs';

const SECOND = 1000;

/**
 * A page's sign-in parts: a token endpoint that answers from `answers` (each gets the form it was sent), the
 * session on `storage`, and what the page was sent to.
 */
function signInPage({ storage = memoryStorage(), clock = fakeClock(), answers = [], beforeRedirect = () => {}, hash = '' } = {}) {
  const requests = [];
  const fetch = async (url, init) => {
    const form = Object.fromEntries(new URLSearchParams(init.body));
    requests.push({ url, form });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected token request ${form.grant_type}`);
    return typeof next === 'function' ? next(form) : next;
  };
  const client = createOidcClient({ config: OIDC_CONFIG, redirectUri: `${PAGE_ORIGIN}/`, fetch, crypto: webcrypto, storage });
  const visited = [];
  const session = createOidcSession({
    client, storage, origin: PAGE_ORIGIN, timers: clock, now: clock.now,
    navigate: (url) => visited.push(url), returnTo: () => hash, beforeRedirect,
  });
  return { client, session, storage, clock, requests, visited, answers };
}

/** Token endpoint answers for ID tokens issued now and valid for `lifetime` ms. */
function issued(clock, { lifetime = 300 * SECOND, nonce, refreshToken = 'rt-1', sub = 'u-1' } = {}) {
  const iat = Math.floor(clock.now() / 1000);
  const idToken = jwt({ iss: OIDC_CONFIG.issuer, aud: OIDC_CONFIG.clientId, sub, iat, exp: iat + lifetime / 1000, ...(nonce ? { nonce } : {}) });
  return { idToken, body: { id_token: idToken, access_token: 'at', token_type: 'Bearer', expires_in: lifetime / 1000, ...(refreshToken ? { refresh_token: refreshToken } : {}) } };
}

/** Signs the page in through the provider's answer (as after the redirect back). */
async function signedIn(page, options) {
  const url = new URL(await page.client.authorizationUrl({ returnTo: '' }));
  const tokens = issued(page.clock, { nonce: url.searchParams.get('nonce'), ...options });
  page.answers.push(jsonResponse(200, tokens.body));
  await page.session.completeSignIn({ code: 'code-1', state: url.searchParams.get('state') });
  return tokens;
}

test('refresh time: a minute before expiry, or at 80 % of a shorter lifetime', () => {
  assert.equal(refreshTime({ issuedAt: 0, expiresAt: 300 * SECOND }), 240 * SECOND);
  assert.equal(refreshTime({ issuedAt: 0, expiresAt: 100 * SECOND }), 80 * SECOND);
  assert.equal(refreshTime({ expiresAt: 300 * SECOND }), 240 * SECOND, 'without iat: the minute');
});

test('the tokens are refreshed silently a minute before the ID token expires, and again after that', async () => {
  const page = signInPage();
  const first = await signedIn(page);
  const signedInAt = page.clock.now();
  assert.deepEqual(page.clock.pending(), [signedInAt + 240 * SECOND]);
  assert.equal(await page.session.token(), first.idToken);

  page.answers.push(() => jsonResponse(200, issued(page.clock, { refreshToken: 'rt-2' }).body));
  page.clock.advance(240 * SECOND - 1);
  assert.equal(page.requests.length, 1, 'not yet');
  page.clock.advance(1);
  await settle();
  assert.deepEqual(page.requests[1].form, { grant_type: 'refresh_token', client_id: 'chat-page', refresh_token: 'rt-1' });
  const refreshed = await page.session.token();
  assert.notEqual(refreshed, first.idToken);
  assert.equal(JSON.parse(page.storage.getItem(TOKENS_KEY)).refreshToken, 'rt-2');
  assert.deepEqual(page.clock.pending(), [page.clock.now() + 240 * SECOND], 'the next refresh is planned');
  assert.equal(page.visited.length, 0, 'no redirect for a silent refresh');
});

test('a refused refresh signs in again, keeping the draft first; the tokens are forgotten', async () => {
  const order = [];
  const page = signInPage({ beforeRedirect: () => order.push('draft kept'), hash: '#/c/abc' });
  await signedIn(page);
  page.answers.push(jsonResponse(400, { error: 'invalid_grant', error_description: 'Token is not active' }));
  page.clock.advance(240 * SECOND);
  await settle();
  await settle();
  assert.equal(page.visited.length, 1);
  const url = new URL(page.visited[0]);
  assert.equal(`${url.origin}${url.pathname}`, OIDC_CONFIG.authorizationEndpoint);
  assert.equal(JSON.parse(page.storage.getItem(PENDING_KEY)).returnTo, '#/c/abc', 'back to the open conversation afterwards');
  assert.deepEqual(order, ['draft kept']);
  assert.equal(page.storage.getItem(TOKENS_KEY), null);
  assert.equal(page.session.signedIn, false);
  assert.equal(await page.session.token(), '');
});

test('a refresh that cannot reach the provider is tried again shortly, without leaving the page', async () => {
  const page = signInPage();
  await signedIn(page);
  page.answers.push(() => { throw new TypeError('Failed to fetch'); });
  page.clock.advance(240 * SECOND);
  await settle();
  assert.deepEqual(page.visited, []);
  assert.deepEqual(page.clock.pending(), [page.clock.now() + REFRESH_RETRY_MS]);
  page.answers.push(() => jsonResponse(200, issued(page.clock).body));
  page.clock.advance(REFRESH_RETRY_MS);
  await settle();
  assert.equal(page.requests.filter((r) => r.form.grant_type === 'refresh_token').length, 2);
  assert.equal(page.session.signedIn, true);
});

test('a call made after the ID token expired (a tab that slept) refreshes first, then carries the new token', async () => {
  const clock = fakeClock();
  const page = signInPage({ clock });
  await signedIn(page, { lifetime: 300 * SECOND });
  // The page is picked up again after its refresh timer could run (a sleeping tab): the ID token has expired.
  const later = signInPage({ storage: page.storage, clock: fakeClock(clock.now() + 301 * SECOND) });
  later.answers.push(() => jsonResponse(200, issued(later.clock).body));
  const calls = [];
  const api = createApi({
    fetch: async (url, init) => { calls.push(new Headers(init.headers).get('x-chat-token')); return jsonResponse(200, { conversations: [], nextCursor: null }); },
    credentials: later.session,
  });
  await api.conversations();
  assert.equal(later.requests.length, 1);
  assert.equal(later.requests[0].form.grant_type, 'refresh_token');
  assert.equal(calls[0], JSON.parse(later.storage.getItem(TOKENS_KEY)).idToken);
});

test('tokens live in this tab’s sessionStorage only: a reload keeps the session, a new tab and localStorage have none', async () => {
  const { window } = new JSDOM('', { url: `${PAGE_ORIGIN}/` });
  const page = signInPage({ storage: window.sessionStorage });
  const tokens = await signedIn(page);

  assert.equal(window.localStorage.length, 0, 'nothing in localStorage');
  const kept = JSON.parse(window.sessionStorage.getItem(TOKENS_KEY));
  assert.deepEqual(Object.keys(kept).sort(), ['expiresAt', 'idToken', 'issuedAt', 'refreshToken']);
  assert.equal(kept.idToken, tokens.idToken);
  assert.equal(window.sessionStorage.getItem(PENDING_KEY), null, 'the pending request is gone once used');

  const reloaded = signInPage({ storage: window.sessionStorage, clock: page.clock });
  assert.equal(await reloaded.session.resume(), true);
  assert.equal(await reloaded.session.token(), tokens.idToken);
  assert.equal(reloaded.requests.length, 0, 'no provider round trip');

  const newTab = signInPage({ storage: new JSDOM('', { url: `${PAGE_ORIGIN}/` }).window.sessionStorage });
  assert.equal(await newTab.session.resume(), false);
  assert.equal(await newTab.session.token(), '');
});

test('an expired session without a refresh token is dropped on resume', async () => {
  const page = signInPage();
  await signedIn(page, { refreshToken: null, lifetime: 60 * SECOND });
  assert.deepEqual(page.clock.pending(), [], 'nothing to refresh with');
  const later = signInPage({ storage: page.storage, clock: fakeClock(page.clock.now() + 61 * SECOND) });
  assert.equal(await later.session.resume(), false);
  assert.equal(later.storage.getItem(TOKENS_KEY), null);
});

test('a 401 mid-session keeps the draft, signs in again once, and the draft is back after the sign-in', async () => {
  const storage = memoryStorage();
  const composer = { value: 'Half a thought I was still typing' };
  const drafts = createDraftKeeper(storage);
  const page = signInPage({ storage, hash: '#/c/abc', beforeRedirect: () => drafts.keep(composer.value) });
  await signedIn(page);
  const unauthorized = () => jsonResponse(401, { error: { code: 'Unauthorized', reason: 'revoked_key', message: 'The token’s signing key was revoked.', requestId: 'r-1' } });
  const answers = [unauthorized(), unauthorized()];
  const api = createApi({ fetch: async () => answers.shift(), credentials: page.session });

  const results = await Promise.allSettled([api.conversations(), api.models()]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.ok(results[0].reason instanceof ApiError && results[0].reason.status === 401, 'the calls are not retried with the dead token');
  assert.equal(page.visited.length, 1, 'one redirect for both refusals');
  assert.equal(storage.getItem(DRAFT_KEY), 'Half a thought I was still typing');
  assert.equal(storage.getItem(TOKENS_KEY), null);

  // Back from the provider on a fresh page with the same tab storage.
  const url = new URL(page.visited[0]);
  const back = signInPage({ storage, clock: page.clock });
  back.answers.push(jsonResponse(200, issued(back.clock, { nonce: url.searchParams.get('nonce') }).body));
  const returnTo = await back.session.completeSignIn(back.client.callbackParams(`${PAGE_ORIGIN}/?code=code-2&state=${url.searchParams.get('state')}`));
  assert.equal(returnTo, '#/c/abc');
  const restored = createDraftKeeper(storage);
  assert.equal(restored.take(), 'Half a thought I was still typing');
  assert.equal(restored.take(), null, 'handed back once');
});

test('signing out forgets the tokens and goes to the provider’s logout with the ID token as hint', async () => {
  const page = signInPage();
  const tokens = await signedIn(page);
  assert.equal(page.session.signOut(), true);
  assert.equal(page.visited.length, 1);
  const url = new URL(page.visited[0]);
  assert.equal(`${url.origin}${url.pathname}`, OIDC_CONFIG.logout.url);
  assert.deepEqual(Object.fromEntries(url.searchParams), { client_id: 'chat-page', post_logout_redirect_uri: `${PAGE_ORIGIN}/`, id_token_hint: tokens.idToken });
  assert.equal(page.storage.getItem(TOKENS_KEY), null);
  assert.deepEqual(page.clock.pending(), [], 'no refresh planned any more');
  assert.equal(page.session.signedIn, false);
});
