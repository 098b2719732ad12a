// Shared helpers of the browser tests: Chromium driven by playwright-core against a running chat server. The browser is
// Debian's /usr/bin/chromium unless CHROMIUM_PATH names another one (the pipeline's build uses Playwright's own).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
/** The chat server under test: CHAT_BASE_URL (the open-mode run) or BASE_URL (the sign-in run). */
export const BASE_URL = (process.env.CHAT_BASE_URL || process.env.BASE_URL || '').replace(/\/$/, '');
/** The provider's test account: set only for a run against a server in OIDC mode. */
export const OIDC_USERNAME = process.env.OIDC_USERNAME ?? '';
export const OIDC_PASSWORD = process.env.OIDC_PASSWORD ?? '';
/** The header the page sends its token in. */
export const TOKEN_HEADER = 'x-chat-token';
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'screenshots');

/** Starts headless Chromium. Playwright gives every launch a fresh temporary user-data-dir. */
export async function launchBrowser() {
  assert.ok(BASE_URL, 'set CHAT_BASE_URL (or BASE_URL) to the chat server to test, e.g. http://127.0.0.1:8080');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`
    + ' or set CHROMIUM_PATH to a Chromium executable');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * A page in its own context (own storage), recording CSP violations (both the DOM event and Chromium's console
 * report) and uncaught errors so each test can assert there were none.
 */
export async function openPage(browser, { viewport = DESKTOP, colorScheme = 'light', reducedMotion = 'no-preference', isMobile = false } = {}) {
  const context = await browser.newContext({
    viewport, colorScheme, reducedMotion, isMobile, hasTouch: isMobile, baseURL: BASE_URL, deviceScaleFactor: 1,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  const page = await context.newPage();
  const problems = { csp: [], errors: [] };
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) problems.csp.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  return { context, page, problems };
}

/** The Content-Security-Policy the page is served with (locally and by CloudFront), exactly. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A Content-Security-Policy as a map of directive → its sources (in order). */
export function cspDirectives(policy) {
  return new Map(policy.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, ...sources] = part.split(/\s+/);
    return [name, sources];
  }));
}

/**
 * Asserts that `policy` is the strict policy, except that connect-src may add exactly `connectOrigins` (in OIDC mode
 * the token endpoint's origin, which the page calls for the code exchange and the refresh).
 */
export function assertStrictCsp(policy, { connectOrigins = [] } = {}) {
  const actual = cspDirectives(policy);
  const expected = cspDirectives(CONTENT_SECURITY_POLICY);
  expected.set('connect-src', ["'self'", ...connectOrigins]);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'the same directives');
  for (const [name, sources] of expected) {
    assert.deepEqual([...actual.get(name)].sort(), [...sources].sort(), name);
  }
  assert.doesNotMatch(policy, /unsafe-/, 'nothing unsafe is allowed');
}

/** A call to the server from the test itself (not the page), with the page's token header when given. */
export function api(path, { token, headers = {}, ...init } = {}) {
  return fetch(`${BASE_URL}${path}`, { ...init, headers: { ...headers, ...(token ? { 'X-Chat-Token': token } : {}) } });
}

/** Deletes every conversation of the principal (the anonymous one without a token), so a test starts from none. */
export async function deleteAllConversations(token) {
  const response = await api('/api/conversations', { method: 'DELETE', token });
  assert.equal(response.status, 200, `DELETE /api/conversations answered ${response.status}`);
  return (await response.json()).deleted;
}

/** The principal's conversations as the server lists them (first page). */
export async function listedConversations(token, query = '') {
  const response = await api(`/api/conversations${query}`, { token });
  assert.equal(response.status, 200, `GET /api/conversations${query} answered ${response.status}`);
  return (await response.json()).conversations;
}

/** The sidebar's controls that Tab reaches, as outerHTML (visible ones only: hidden menus and buttons do not count). */
export function reachableInSidebar(page) {
  return page.evaluate(() => [...document.querySelectorAll('#sidebar a[href], #sidebar button, #sidebar input')]
    .filter((element) => !element.disabled && element.checkVisibility({ visibilityProperty: true }))
    .map((element) => element.outerHTML));
}

/** Opens the actions menu of a listed conversation and chooses one of its items. */
export async function chooseAction(page, title, action) {
  await page.getByRole('button', { name: `Actions for “${title}”` }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** Opens the page and checks it was served with the strict Content-Security-Policy. */
export async function gotoChat(page, path = '/') {
  const response = await page.goto(path);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.equal(csp, CONTENT_SECURITY_POLICY, 'the page is served with its strict CSP');
  assert.doesNotMatch(csp, /unsafe-/, 'nothing unsafe is allowed');
  await page.locator('#model-select option').first().waitFor({ state: 'attached' });
  await listSettled(page);
  return response;
}

/** Waits until the conversation list has its answer from the server (loaded, empty or failed). */
export async function listSettled(page) {
  await page.locator('#conversation-list[aria-busy="false"]').waitFor({ state: 'attached' });
}

/** Asserts that nothing was blocked by the CSP and no script error escaped. */
export async function assertClean(page, problems) {
  const fromPage = page.isClosed() ? [] : await page.evaluate(() => window.__cspViolations ?? []);
  assert.deepEqual([...problems.csp, ...fromPage], [], 'no CSP violations');
  assert.deepEqual(problems.errors, [], 'no uncaught script errors');
}

export async function send(page, text) {
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
}

export function lastAnswer(page) {
  return page.locator('.msg--assistant').last();
}

/** Waits until the newest answer is no longer being written. */
export async function answerSettled(page, timeout = 30_000) {
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll('.msg--assistant');
    const last = answers[answers.length - 1];
    return last && !last.hasAttribute('aria-busy');
  }, null, { timeout });
  return lastAnswer(page);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
