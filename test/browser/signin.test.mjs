// Signing in with OpenID Connect, in Chromium against the real local server in OIDC mode and a real provider
// (Keycloak, whose login form has #username, #password and #kc-login). The run passes BASE_URL, OIDC_USERNAME and
// OIDC_PASSWORD; without them (the open-mode run) this file is skipped.
//
// The steps share one browser tab, in order: signed out → sign in → chat and list → search, rename, export →
// reload and a new tab → a 401 mid-session → an API key → sign out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, OIDC_PASSWORD, OIDC_USERNAME, TOKEN_HEADER, answerSettled, api, assertClean, assertStrictCsp, chooseAction,
  deleteAllConversations, lastAnswer, launchBrowser, listSettled, listedConversations, openPage, send,
} from './support.mjs';

const TIMEOUT = { timeout: 90_000 };
const TOKENS_KEY = 'bedrock-chat.sign-in.tokens';
const OPEN_ROUTES = new Set(['/api/auth/config', '/api/health']);

describe('sign-in with OpenID Connect', { skip: OIDC_USERNAME ? false : 'set BASE_URL, OIDC_USERNAME and OIDC_PASSWORD to run it against an OIDC server' }, () => {
  let browser;
  let context;
  let page;
  let problems;
  let config;
  /** Every request the tab sent to the chat API: its path and the X-Chat-Token it carried. */
  const calls = [];

  before(async () => {
    assert.ok(OIDC_PASSWORD, 'OIDC_PASSWORD is needed with OIDC_USERNAME');
    const response = await api('/api/auth/config');
    assert.equal(response.status, 200);
    config = await response.json();
    assert.equal(config.mode, 'oidc', 'the server under test signs people in with OIDC');
    browser = await launchBrowser();
    ({ context, page, problems } = await openPage(browser));
    page.on('request', async (request) => {
      const url = new URL(request.url());
      if (url.origin !== BASE_URL || !url.pathname.startsWith('/api/')) return;
      const headers = await request.allHeaders();
      calls.push({ method: request.method(), path: url.pathname, token: headers[TOKEN_HEADER] ?? null });
    });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
  });

  const providerOrigin = () => new URL(config.authorizationEndpoint).origin;
  const idToken = () => page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? 'null')?.idToken ?? null, TOKENS_KEY);
  const composer = () => page.getByRole('textbox', { name: 'Message' });
  const signInScreen = () => page.getByRole('heading', { name: 'Sign in to Bedrock Chat' });

  /** Fills the provider's login form and waits until the page is back and signed in. */
  async function logInAtProvider() {
    await page.locator('#username').waitFor();
    assert.equal(new URL(page.url()).origin, providerOrigin(), 'on the provider’s own page');
    await page.locator('#username').fill(OIDC_USERNAME);
    await page.locator('#password').fill(OIDC_PASSWORD);
    await page.locator('#kc-login').click();
    await signedInAgain();
  }

  /** Waits until the page is back from the provider and shows the chat with the person's name. */
  async function signedInAgain() {
    await page.waitForURL((url) => url.origin === BASE_URL, { timeout: 30_000 });
    await page.locator('#account-name').filter({ hasText: /\S/ }).waitFor();
    await page.locator('#model-select option').first().waitFor({ state: 'attached' });
    await listSettled(page);
  }

  test('signed out, the page offers to sign in and calls nothing that needs a principal', TIMEOUT, async () => {
    const response = await page.goto('/');
    assert.equal(response.status(), 200);
    assertStrictCsp(response.headers()['content-security-policy'] ?? '', { connectOrigins: [new URL(config.tokenEndpoint).origin] });
    await signInScreen().waitFor();
    assert.equal(await page.locator('#app').isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in');
    await page.waitForTimeout(300);
    assert.deepEqual(calls.filter((call) => !OPEN_ROUTES.has(call.path)), [], 'only the open routes were called');
    await assertClean(page, problems);
  });

  test('signing in goes through the provider’s form (code + PKCE) and comes back signed in, the code gone from the address', TIMEOUT, async () => {
    const authorization = page.waitForRequest((request) => request.url().startsWith(config.authorizationEndpoint));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const request = new URL((await authorization).url());
    assert.equal(request.searchParams.get('response_type'), 'code');
    assert.equal(request.searchParams.get('client_id'), config.clientId);
    assert.equal(request.searchParams.get('redirect_uri'), `${BASE_URL}/`);
    assert.equal(request.searchParams.get('code_challenge_method'), 'S256');
    assert.match(request.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(request.searchParams.get('state') && request.searchParams.get('nonce'));

    await logInAtProvider();
    const url = new URL(page.url());
    assert.equal(url.search, '', 'no code or state left in the address bar');
    const token = await idToken();
    assert.ok(token, 'the ID token is kept for this tab');
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((key) => /token|sign-in/i.test(key)).length), 0, 'nothing in localStorage');
    assert.equal(await page.evaluate(() => Object.values(localStorage).some((value) => value.includes('eyJ'))), false);

    const me = await (await api('/api/me', { token })).json();
    assert.equal(me.principal.kind, 'oidc');
    assert.equal(await page.locator('#account-name').textContent(), me.principal.name || me.principal.email);
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), true);
    assert.equal(await signInScreen().isVisible(), false);
    await deleteAllConversations(token); // this account's conversations from earlier runs
    await page.reload();
    await signedInAgain();
    await assertClean(page, problems);
  });

  test('chatting works and lists the conversation; every API call carries the ID token as X-Chat-Token', TIMEOUT, async () => {
    const from = calls.length;
    await send(page, 'Hello from a signed-in person');
    const answer = await answerSettled(page);
    assert.equal(await answer.locator('.msg__error').count(), 0);
    assert.ok((await answer.locator('.msg__content').textContent()).trim().length > 0);
    await page.locator('#conversation-list .conversation__title', { hasText: 'Hello from a signed-in person' }).waitFor();
    const id = decodeURIComponent(page.url().split('#/c/')[1]);
    const token = await idToken();
    assert.deepEqual((await listedConversations(token)).map((c) => c.id), [id], 'listed for this person');
    assert.equal((await api(`/api/conversations/${encodeURIComponent(id)}`)).status, 401, 'and for nobody without a token');

    const made = calls.slice(from);
    assert.ok(made.some((call) => call.path === '/api/chat'));
    assert.deepEqual(made.filter((call) => call.token !== token), [], 'each call carried the current ID token');
    assert.ok(calls.filter((call) => !OPEN_ROUTES.has(call.path)).every((call) => call.token), 'no protected call went without one');
    await assertClean(page, problems);
  });

  test('search, rename and export work on the person’s conversations', TIMEOUT, async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Packing list for a sailing trip');
    await answerSettled(page);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);

    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill('sailing');
    await page.locator('#conversations-heading', { hasText: 'Search results' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    await listSettled(page);
    assert.deepEqual(await page.locator('#conversation-list .conversation__title').allTextContents(), ['Packing list for a sailing trip']);
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 2);

    await chooseAction(page, 'Packing list for a sailing trip', 'Rename');
    const field = page.getByRole('textbox', { name: 'New title for “Packing list for a sailing trip”' });
    await field.fill('Sailing trip');
    await field.press('Enter');
    await page.locator('#conversation-list .conversation__title', { hasText: /^Sailing trip$/ }).waitFor();
    assert.equal((await listedConversations(await idToken())).find((c) => c.id === id)?.title, 'Sailing trip');

    const [download] = await Promise.all([page.waitForEvent('download'), chooseAction(page, 'Sailing trip', 'Export as Markdown')]);
    assert.equal(download.suggestedFilename(), `conversation-${id}.md`);
    assert.ok(readFileSync(await download.path(), 'utf8').includes('Packing list for a sailing trip'));
    await assertClean(page, problems);
  });

  test('a reload keeps the session without the provider; a new tab signs in again', TIMEOUT, async () => {
    const before = await idToken();
    const toProvider = [];
    const watch = (request) => { if (new URL(request.url()).origin === providerOrigin()) toProvider.push(request.url()); };
    page.on('request', watch);
    await page.reload();
    await signedInAgain();
    page.off('request', watch);
    assert.deepEqual(toProvider, [], 'no trip to the provider');
    assert.equal(await idToken(), before);

    const other = await context.newPage();
    await other.goto('/');
    await other.getByRole('heading', { name: 'Sign in to Bedrock Chat' }).waitFor();
    assert.equal(await other.evaluate((key) => sessionStorage.getItem(key), TOKENS_KEY), null, 'a new tab has no tokens');
    await other.close();
  });

  test('a 401 mid-session signs in again and gives the text being typed back', TIMEOUT, async () => {
    const draft = 'A thought I was still typing when the session ended';
    await composer().fill(draft);
    // The server stops accepting the token once (as when it expired or its key was revoked).
    let refused = 0;
    await page.route('**/api/conversations/*', async (route) => {
      refused += 1;
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        headers: { 'WWW-Authenticate': 'Bearer realm="bedrock-chat"' },
        body: JSON.stringify({ error: { code: 'Unauthorized', reason: 'expired', message: 'The token has expired.', requestId: 'r-401' } }),
      });
    }, { times: 1 });
    const target = (await page.locator('#conversation-list .conversation__title').allTextContents()).find((title) => title !== 'Sailing trip');
    const authorization = page.waitForRequest((request) => request.url().startsWith(config.authorizationEndpoint), { timeout: 30_000 });
    await page.getByRole('link', { name: target }).click();
    await authorization;
    // The provider still has its own session, so it sends the page straight back; should it ask again, log in.
    const outcome = await Promise.race([
      // Back on the page, the code is exchanged at the token endpoint.
      page.waitForRequest((request) => request.url().startsWith(config.tokenEndpoint), { timeout: 30_000 }).then(() => 'back', () => 'timeout'),
      page.locator('#username').waitFor({ timeout: 30_000 }).then(() => 'form', () => 'timeout'),
    ]);
    assert.notEqual(outcome, 'timeout', 'back from the provider');
    if (outcome === 'form') await logInAtProvider();
    await signedInAgain();
    assert.equal(refused, 1);
    assert.equal(new URL(page.url()).search, '');
    assert.equal(await composer().inputValue(), draft, 'the draft is back in the message box');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('bedrock-chat.draft')), null, 'and no longer kept');
    await page.locator('.msg--user .msg__bubble', { hasText: target }).waitFor();
    assert.equal(await page.locator('#chat-title').textContent(), target, 'the conversation being opened is open');
    await assertClean(page, problems);
  });

  test('the API keys panel shows a new key once; the key calls /v1 until it is revoked there', TIMEOUT, async () => {
    const token = await idToken();
    for (const key of (await (await api('/api/keys', { token })).json()).keys) {
      await api(`/api/keys/${key.id}`, { method: 'DELETE', token }); // keys of earlier runs
    }
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
    await page.getByRole('button', { name: 'API keys' }).click();
    const panel = page.getByRole('dialog', { name: 'API keys' });
    await panel.waitFor();
    assert.equal(await panel.locator('#key-base-url').textContent(), `${BASE_URL}/v1`);
    await panel.getByRole('textbox', { name: 'Name of a new key' }).fill('browser scenario');
    await panel.getByRole('button', { name: 'Create key' }).click();
    const shown = panel.getByRole('textbox', { name: 'Your new key' });
    await shown.waitFor();
    const key = await shown.inputValue();
    assert.match(key, /^bck_[A-Za-z0-9_-]{43}$/);
    assert.match(await panel.locator('#key-created-warning').textContent(), /shown only this once/);
    await panel.getByRole('button', { name: 'Copy', exact: true }).click();
    await panel.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    const item = panel.locator('#key-list li', { hasText: 'browser scenario' });
    await item.waitFor();
    assert.ok((await item.textContent()).includes(`${key.slice(0, 12)}…`));
    assert.ok(!(await panel.locator('#key-list').textContent()).includes(key), 'the list never shows the key');

    const models = await fetch(`${BASE_URL}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(models.status, 200);
    assert.equal((await models.json()).object, 'list');

    await panel.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'API keys' }).click();
    await item.waitFor();
    assert.equal(await panel.locator('#key-created').isVisible(), false, 'a key is shown once');
    await panel.getByRole('button', { name: 'Revoke the key “browser scenario”' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Revoke' }).click();
    await panel.locator('#key-empty').waitFor();
    const refused = await fetch(`${BASE_URL}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).error.type, 'authentication_error');
    await panel.getByRole('button', { name: 'Close' }).click();
    await assertClean(page, problems);
  });

  test('signing out ends the session at the provider and shows the signed-out screen', TIMEOUT, async () => {
    await composer().fill('');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === BASE_URL && url.pathname === '/', { timeout: 30_000 });
    await signInScreen().waitFor();
    assert.equal(await idToken(), null, 'the tokens are gone');
    assert.equal(await page.locator('#app').isVisible(), false);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#username').waitFor({ timeout: 30_000 });
    assert.equal(new URL(page.url()).origin, providerOrigin(), 'the provider asks for the password again: its session ended too');
    await page.goto('/');
    await signInScreen().waitFor();
    await assertClean(page, problems);
  });
});
