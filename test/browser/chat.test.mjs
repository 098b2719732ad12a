// The chat page in Chromium against the real local server in open mode (AUTH_MODE none), whose Bedrock is the
// keyword-scripted stub. Every conversation belongs to the anonymous principal, so each test starts with none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, OIDC_USERNAME, PHONE, TOKEN_HEADER, answerSettled, api, assertClean, chooseAction, deleteAllConversations, gotoChat,
  lastAnswer, launchBrowser, listSettled, listedConversations, openPage, reachableInSidebar, screenshot, send,
} from './support.mjs';

const TIMEOUT = { timeout: 90_000 };

// A run against a server that signs people in is signin.test.mjs's; this one needs the open server.
describe('chat page', { skip: OIDC_USERNAME ? 'OIDC run: see signin.test.mjs' : false }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
    // The server's first model call pays for its client's warm-up and delivers its pieces in one burst;
    // one call ahead of the tests lets the streaming test see answers arrive at their real pace.
    const warmUp = await fetch(`${BASE_URL}/api/chat`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: 'Warm-up before the browser tests' }),
    });
    assert.equal(warmUp.status, 200);
  });
  after(async () => { await browser?.close(); });

  /** Runs a test body with a fresh page and no conversations, and checks CSP and script errors afterwards. */
  async function withPage(options, body) {
    await deleteAllConversations();
    const { context, page, problems } = await openPage(browser, options);
    try {
      await body(page, context);
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  }

  test('loads with its models and service status, naming the local Bedrock stand-in, and no offline badge', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const health = await (await fetch(`${BASE_URL}/api/health`)).json();
    const models = await (await fetch(`${BASE_URL}/api/models`)).json();
    assert.equal(health.mode, 'bedrock');
    assert.deepEqual(await page.locator('#model-select option').evaluateAll((options) => options.map((o) => o.value)),
      models.models.map((m) => m.id));
    assert.equal(await page.locator('#model-select').inputValue(), models.default);
    await page.locator('#health[data-state="ok"]').waitFor();
    // The tests' Bedrock is a local stand-in behind an endpoint override: the page must not call it Amazon Bedrock.
    const endpointHost = new URL(health.bedrockEndpoint).host;
    assert.equal(await page.locator('#health-text').textContent(), `Bedrock endpoint override: ${endpointHost} · ${health.region}`);
    assert.equal(await page.locator('#offline-badge').isVisible(), false);
    assert.equal(await page.getByRole('heading', { name: 'How can I help today?' }).isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input');
  }));

  test('a message is answered token by token, then listed and announced', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await page.evaluate(() => {
      window.__observed = [];
      const messages = document.getElementById('messages');
      new MutationObserver(() => {
        const answers = messages.querySelectorAll('.msg--assistant');
        const last = answers[answers.length - 1];
        if (!last) return;
        window.__observed.push({ length: last.querySelector('.msg__content').textContent.length, busy: last.hasAttribute('aria-busy') });
      }).observe(messages, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const message = 'Hello from the browser test, please answer';
    await send(page, message);
    assert.equal(await page.locator('.msg--user .msg__bubble').last().textContent(), message);
    const answer = await answerSettled(page);
    const finalText = await answer.locator('.msg__content').textContent();
    assert.equal(finalText.trim(), `Stub reply to: ${message}`);
    assert.match(await answer.locator('.msg__cost').textContent(), /^≈ \$0\.0\d*[1-9]$/, 'the answer shows its estimated cost');
    await page.waitForFunction(() => /^Today: [\d,]+ tokens · \$0\.\d+$/.test(document.getElementById('usage').textContent));

    const observed = await page.evaluate(() => window.__observed);
    const whileStreaming = [...new Set(observed.filter((o) => o.busy && o.length > 0).map((o) => o.length))];
    assert.ok(whileStreaming.length >= 2, `the answer grew in several steps before it was done: ${JSON.stringify(whileStreaming)}`);
    for (let i = 1; i < whileStreaming.length; i += 1) assert.ok(whileStreaming[i] > whileStreaming[i - 1], 'it only grew');
    assert.ok(whileStreaming.at(-1) <= finalText.length);

    const item = page.locator('#conversation-list .conversation__open');
    assert.equal(await item.count(), 1);
    assert.equal((await item.textContent()).trim(), message);
    assert.equal(await item.getAttribute('aria-current'), 'page');
    assert.match(page.url(), /#\/c\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);
    assert.deepEqual((await listedConversations()).map((c) => [c.id, c.title]), [[id, message]], 'the server lists it, titled by its first message');
    assert.equal(await page.locator('#chat-title').textContent(), message);
    await page.waitForFunction(() => document.getElementById('announcer').textContent.startsWith('Answer: Stub reply to:'));
    assert.equal(await page.locator('#send').isVisible(), true);
    assert.equal(await page.locator('#stop').isVisible(), false);
  }));

  test('Shift+Enter adds a line and the box grows; Enter sends', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const input = page.getByRole('textbox', { name: 'Message' });
    const before = (await input.boundingBox()).height;
    await input.click();
    await page.keyboard.type('first line');
    for (let i = 2; i <= 4; i += 1) {
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type(`line ${i}`);
    }
    assert.equal(await input.inputValue(), 'first line\nline 2\nline 3\nline 4');
    assert.equal(await page.locator('.msg').count(), 0, 'nothing sent yet');
    assert.ok((await input.boundingBox()).height > before * 2, 'the box grew with its text');
    await page.keyboard.press('Enter');
    await answerSettled(page);
    assert.equal(await page.locator('.msg--user .msg__bubble').textContent(), 'first line\nline 2\nline 3\nline 4');
    assert.equal(await input.inputValue(), '');
    assert.ok((await input.boundingBox()).height <= before + 1, 'and shrank back when emptied');
  }));

  test('the stop button ends a running answer and keeps what was written', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Tell me a long story [slow]');
    const answer = lastAnswer(page);
    const content = answer.locator('.msg__content');
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 10);
    const first = (await content.textContent()).length;
    await page.waitForFunction((n) => document.querySelector('.msg--assistant .msg__content').textContent.length > n, first);
    assert.equal(await answer.getAttribute('aria-busy'), 'true', 'it grows while still being written');
    const stop = page.getByRole('button', { name: 'Stop the answer' });
    assert.equal(await stop.isVisible(), true);
    await stop.click();
    await answer.locator('.msg__note', { hasText: 'Stopped' }).waitFor();
    assert.equal(await answer.getAttribute('aria-busy'), null);
    const stoppedAt = (await answer.locator('.msg__content').textContent()).length;
    assert.ok(stoppedAt > 10);
    await page.waitForTimeout(800); // the stub would send five more pieces in this time
    assert.equal((await answer.locator('.msg__content').textContent()).length, stoppedAt, 'nothing arrives after stopping');
    assert.equal(await page.locator('#send').isVisible(), true);
    await page.waitForFunction(() => document.getElementById('announcer').textContent === 'Answer stopped.');

    await send(page, 'Are you still there?');
    const next = await answerSettled(page);
    assert.match(await next.locator('.msg__content').textContent(), /Stub reply to: Are you still there\?/);
  }));

  test('the view follows a growing answer until the person scrolls up, and can jump back', TIMEOUT, () => withPage({ viewport: { width: 1000, height: 480 } }, async (page) => {
    await gotoChat(page);
    await send(page, 'Some history first [markdown]');
    await answerSettled(page);
    await send(page, 'Now a long one [slow]');
    const thread = page.locator('#thread');
    const distanceFromBottom = () => thread.evaluate((t) => t.scrollHeight - t.scrollTop - t.clientHeight);
    await page.waitForFunction(() => document.querySelector('.msg--assistant:last-of-type .msg__content')?.textContent.length > 200);
    assert.ok(await distanceFromBottom() < 48, 'following the stream');

    await thread.evaluate((t) => { t.scrollTop = 0; });
    const heightBefore = await thread.evaluate((t) => t.scrollHeight);
    await page.waitForFunction((h) => document.getElementById('thread').scrollHeight > h + 20, heightBefore);
    assert.equal(await thread.evaluate((t) => t.scrollTop), 0, 'the view stays where the person scrolled');
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await jump.waitFor();
    await jump.click();
    assert.ok(await distanceFromBottom() < 48);
    const heightAfterJump = await thread.evaluate((t) => t.scrollHeight);
    await page.waitForFunction((h) => document.getElementById('thread').scrollHeight > h + 20, heightAfterJump);
    assert.ok(await distanceFromBottom() < 48, 'following again after the jump');
    assert.equal(await jump.isVisible(), false);
    await page.getByRole('button', { name: 'Stop the answer' }).click();
  }));

  test('Escape in the message box stops the answer too', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Another long one [slow]');
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 0);
    await page.getByRole('textbox', { name: 'Message' }).press('Escape');
    await lastAnswer(page).locator('.msg__note', { hasText: 'Stopped' }).waitFor();
  }));

  test('after a reload the conversation reopens from the side list with its history', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Remember the word harbour');
    await answerSettled(page);
    await send(page, 'And the word lantern');
    await answerSettled(page);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);

    await page.reload();
    await page.locator('.msg--assistant').nth(1).waitFor();
    assert.equal(await page.locator('.msg').count(), 4, 'the address reopens the conversation');

    await gotoChat(page, '/');
    assert.equal(await page.locator('.msg').count(), 0);
    assert.equal(await page.locator('#welcome').isVisible(), true);
    await page.getByRole('link', { name: 'Remember the word harbour' }).click();
    await page.locator('.msg--assistant').nth(1).waitFor();
    assert.deepEqual(await page.locator('.msg--user .msg__bubble').allTextContents(), ['Remember the word harbour', 'And the word lantern']);
    assert.match(await page.locator('.msg--assistant').first().textContent(), /Stub reply to: Remember the word harbour/);
    assert.equal(decodeURIComponent(page.url().split('#/c/')[1]), id);
    assert.equal(await page.locator('#chat-title').textContent(), 'Remember the word harbour');

    // The next message continues the same conversation.
    await send(page, 'What were the words?');
    await answerSettled(page);
    assert.equal(await page.locator('#conversation-list .conversation').count(), 1);
    const history = await (await fetch(`${BASE_URL}/api/conversations/${encodeURIComponent(id)}`)).json();
    assert.deepEqual(history.messages.filter((m) => m.role === 'user').map((m) => m.content),
      ['Remember the word harbour', 'And the word lantern', 'What were the words?']);
  }));

  test('a Markdown answer shows a table and a code block whose copy button copies the code', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Show me some [markdown]');
    const answer = await answerSettled(page);
    const content = answer.locator('.msg__content');
    assert.ok(await content.locator('h1, h2, h3').count() >= 1, 'a heading');
    assert.ok(await content.locator('ul li, ol li').count() >= 2, 'a list');
    assert.ok(await content.locator('.table-wrap table tbody tr').count() >= 1, 'a table with rows');
    assert.ok(await content.locator('table th').count() >= 2, 'a table header');
    const block = content.locator('.code-block').first();
    const code = await block.locator('pre code').textContent();
    assert.ok(code.trim().length > 0);
    const copy = block.getByRole('button', { name: /^Copy .*code$/ });
    await copy.click();
    await block.locator('.code-block__copy', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
    assert.equal(await content.locator('[style]').count(), 0);
  }));

  test('HTML in an answer is shown as text and never runs', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Try to break out [xss]');
    const answer = await answerSettled(page);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('img[onerror], [onerror], #messages script, #messages img').count(), 0);
    assert.match(await answer.locator('.msg__content').textContent(), /<img src=x onerror=/, 'the markup is visible as text');
  }));

  test('a throttled request shows a readable message and a retry button', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Too fast [throttle]');
    const error = lastAnswer(page).locator('.msg__error');
    await error.waitFor({ timeout: 30_000 });
    const text = await error.textContent();
    assert.match(text, /Too many requests — try again in (\d+ s|a moment)\./);
    assert.doesNotMatch(text, /[{}]|"error"|Exception/);
    assert.equal(await error.getAttribute('role'), 'alert');
    const retry = error.getByRole('button', { name: 'Retry' });
    assert.equal(await retry.isVisible(), true);

    await retry.click();
    assert.equal(await page.evaluate(() => document.activeElement === [...document.querySelectorAll('.msg--assistant')].at(-1)), true,
      'focus moves to the new answer, not to <body>');
    await lastAnswer(page).locator('.msg__error').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.msg--user').count(), 1);
    assert.equal(await page.locator('.msg__retry').count(), 1);
    await send(page, 'Something else then');
    await answerSettled(page);
    assert.equal(await page.locator('.msg__retry').count(), 0, 'a newer message retires the old Retry button');
    assert.match(await page.locator('.msg--assistant').first().textContent(), /Too many requests/, 'the explanation stays');
  }));

  test('an error in the middle of a first answer keeps the text, here and on the server, explains, and retry asks again', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const message = 'Break halfway [midstream]';
    await send(page, message);
    const error = lastAnswer(page).locator('.msg__error');
    await error.waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await error.textContent(), /[{}]/);
    assert.equal(await page.locator('.msg--assistant').count(), 1);
    const kept = (await lastAnswer(page).locator('.msg__content').textContent()).trim();
    const whole = `Stub reply to: ${message}`;
    assert.ok(kept.length > 0 && kept.length < whole.length && whole.startsWith(kept), `the part that arrived stays visible: “${kept}”`);

    // The server kept the part that arrived as a partial answer: the conversation stays listed and open.
    assert.match(page.url(), /#\/c\//, 'the conversation is open');
    const conversationId = decodeURIComponent(page.url().split('#/c/')[1]);
    const stored = await api(`/api/conversations/${encodeURIComponent(conversationId)}`);
    assert.equal(stored.status, 200);
    const messages = (await stored.json()).messages;
    assert.deepEqual(messages.map(({ role, partial, partialReason }) => [role, partial, partialReason]),
      [['user', undefined, undefined], ['assistant', true, 'model_error']]);
    assert.ok(whole.startsWith(messages[1].content) && messages[1].content.length > 0, 'the server kept what the page showed');
    assert.deepEqual((await listedConversations()).map((c) => c.id), [conversationId]);
    assert.equal(await page.locator('#conversation-list .conversation').count(), 1);

    // Retry shows the thread as the server has it (the kept part marked as cut off), then asks again in it.
    await error.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.msg--assistant .msg__error').last().waitFor({ timeout: 30_000 });
    await answerSettled(page);
    assert.equal(await page.locator('.msg--user').count(), 2, 'the question kept on the server, then asked again');
    assert.equal(await page.locator('.msg--assistant').count(), 2);
    assert.equal(await page.locator('.msg--assistant').first().locator('.msg__note--partial').textContent(),
      'Answer cut off: the model stopped with an error');
    assert.equal((await listedConversations()).length, 1, 'still one conversation');
  }));

  test('a message the server refuses is explained and handed back to edit', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const tooLong = 'word '.repeat(1700).trim(); // 8499 characters, over the server's default limit
    await send(page, tooLong);
    const error = lastAnswer(page).locator('.msg__error');
    await error.waitFor();
    assert.match(await error.textContent(), /limit is \d+/);
    assert.equal(await error.getByRole('button', { name: 'Retry' }).count(), 0, 'sending it again as is would fail again');
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), tooLong);
  }));

  test('a lost connection is explained in words', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    await send(page, 'Is anyone there?');
    const error = lastAnswer(page).locator('.msg__error');
    await error.waitFor();
    assert.match(await error.textContent(), /Can’t reach the chat service\. Check your connection, then try again\./);
    await page.unroute('**/api/chat');
    await error.getByRole('button', { name: 'Retry' }).click();
    const answer = await answerSettled(page);
    assert.match(await answer.textContent(), /Stub reply to: Is anyone there\?/);
  }));

  test('works from the keyboard alone: skip link, send, reach the list, open a conversation', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input', 'the message box has focus on arrival');
    const skip = page.getByRole('link', { name: 'Skip to the message box' });
    assert.equal(await page.evaluate(() => document.querySelector('a, button, textarea, select, input') === document.querySelector('.skip-link')), true,
      'the skip link comes first');
    await skip.focus();
    assert.ok((await skip.boundingBox()).y >= 0, 'and shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await answerSettled(page);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input', 'focus stays in the message box');

    await page.evaluate(() => document.getElementById('new-chat').focus());
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.msg').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input', 'a new chat puts focus in the message box');
    await page.keyboard.press('Shift+Tab'); // back through the page: top bar picker, then the list
    while (!(await page.evaluate(() => document.activeElement?.classList.contains('conversation__open')))) {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator('.msg--assistant').first().waitFor();
    assert.equal(await page.locator('.msg--user .msg__bubble').textContent(), 'Typed without a mouse');
  }));

  test('an address naming a conversation the server does not have starts a new chat with a notice', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page, '/#/c/00000000-0000-4000-8000-000000000000');
    await page.locator('.toast', { hasText: 'no longer on the server' }).waitFor();
    assert.equal(await page.locator('#conversation-list .conversation').count(), 0);
    assert.equal(await page.locator('#welcome').isVisible(), true);
    assert.doesNotMatch(page.url(), /#\/c\//);
  }));

  test('the list an older page kept in localStorage is dropped: the list comes from the server', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Kept on the server');
    await answerSettled(page);
    await page.evaluate(() => localStorage.setItem('bedrock-chat.conversations', JSON.stringify({
      version: 1, conversations: [{ id: '00000000-0000-4000-8000-000000000000', title: 'Only in this browser', updatedAt: Date.now() }],
    })));
    await gotoChat(page, '/');
    assert.equal(await page.evaluate(() => localStorage.getItem('bedrock-chat.conversations')), null, 'the old key is removed');
    assert.deepEqual(await page.locator('#conversation-list .conversation__title').allTextContents(), ['Kept on the server']);
    assert.equal(await page.locator('#conversations-status').isVisible(), false);
  }));

  test('deleting a conversation asks first, then removes it here and on the server', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Keep this one');
    await answerSettled(page);
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Delete this one');
    await answerSettled(page);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);

    await chooseAction(page, 'Delete this one', 'Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('#conversation-list .conversation').count(), 2);

    await chooseAction(page, 'Delete this one', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    assert.equal(await page.locator('#conversation-list .conversation__title').textContent(), 'Keep this one');
    assert.equal(await page.locator('#welcome').isVisible(), true, 'the open conversation was the deleted one');
    assert.equal((await fetch(`${BASE_URL}/api/conversations/${encodeURIComponent(id)}`)).status, 404);
    assert.deepEqual((await listedConversations()).map((c) => c.title), ['Keep this one']);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Keep this one', 'focus moved to the next item');
  }));

  test('on a phone the list is a drawer that opens, traps the page and closes with Escape', TIMEOUT, () => withPage({ viewport: PHONE, isMobile: true }, async (page) => {
    await gotoChat(page);
    await page.getByRole('textbox', { name: 'Message' }).fill('Something to list');
    await page.getByRole('button', { name: 'Send message' }).click();
    await answerSettled(page);
    const sidebar = page.locator('#sidebar');
    assert.equal(await sidebar.isVisible(), false);
    const toggle = page.getByRole('button', { name: 'Open the conversation list' });
    await toggle.click();
    await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).visibility === 'visible');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await page.evaluate(() => ['main', 'toasts'].map((id) => document.getElementById(id).inert)
      .concat(document.querySelector('.skip-link').inert)), [true, true, true], 'the page behind the drawer is inert');
    const focusInDrawer = () => page.evaluate(() => document.getElementById('sidebar').contains(document.activeElement));
    assert.equal(await focusInDrawer(), true);
    const controls = await reachableInSidebar(page);
    assert.equal(controls.length, 6, 'close, new chat, search, the conversation with its actions button, delete all');
    const reached = new Set();
    for (const key of [...Array(controls.length * 2).fill('Tab'), ...Array(controls.length * 2).fill('Shift+Tab')]) {
      await page.keyboard.press(key);
      const focused = await page.evaluate(() => document.activeElement?.outerHTML ?? '');
      assert.equal(await focusInDrawer(), true, `focus stays in the drawer after ${key}: ${focused.slice(0, 80)}`);
      reached.add(focused);
    }
    assert.deepEqual([...reached].sort(), [...controls].sort(), 'Tab goes round all of the drawer\'s controls');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).visibility === 'hidden');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-drawer');
    assert.equal(await page.locator('[inert]').count(), 0, 'and the page is usable again');
  }));

  test('on a phone, choosing the open conversation in the drawer only closes it: the answer goes on', TIMEOUT, () => withPage({ viewport: PHONE, isMobile: true }, async (page) => {
    await gotoChat(page);
    const loads = [];
    page.on('request', (request) => { if (request.url().includes('/api/conversations/')) loads.push(request.method()); });
    const message = 'Keep talking [slow]';
    await page.getByRole('textbox', { name: 'Message' }).fill(message);
    await page.getByRole('button', { name: 'Send message' }).click(); // on a touch screen Enter is a new line
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 10);
    await page.getByRole('button', { name: 'Open the conversation list' }).click();
    await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).visibility === 'visible');
    await page.getByRole('link', { name: message }).click();
    await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).visibility === 'hidden');
    const answer = lastAnswer(page);
    const length = (await answer.locator('.msg__content').textContent()).length;
    await page.waitForFunction((n) => document.querySelector('.msg--assistant .msg__content').textContent.length > n, length);
    assert.equal(await answer.getAttribute('aria-busy'), 'true', 'still being written');
    assert.equal(await page.locator('.msg__note', { hasText: 'Stopped' }).count(), 0);
    assert.deepEqual(loads, [], 'nothing was reloaded');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-input');
    await page.getByRole('button', { name: 'Stop the answer' }).click();
  }));

  test('while a conversation loads, sending waits and keeps the text; then its history comes first', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'An earlier question');
    await answerSettled(page);
    const address = page.url();
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/api/conversations/*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('about:blank');
    await page.goto(address);
    await page.locator('.thread-loading').waitFor();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('A later question');
    assert.equal(await page.locator('#send').isDisabled(), true, 'send waits for the history');
    await input.press('Enter');
    assert.equal(await input.inputValue(), 'A later question', 'the text stays');
    assert.equal(await page.locator('.msg--user').count(), 0);

    release();
    await page.locator('.msg--user').first().waitFor();
    assert.equal(await page.locator('#send').isDisabled(), false);
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.msg--user').length === 2);
    await answerSettled(page);
    assert.deepEqual(await page.locator('.msg--user .msg__bubble').allTextContents(), ['An earlier question', 'A later question']);
    assert.equal(await input.inputValue(), '');
  }));

  test('deleting the open conversation while its answer streams stops the answer before the DELETE', TIMEOUT, () => withPage({}, async (page) => {
    await page.addInitScript(() => {
      window.__order = [];
      const fetchOriginal = window.fetch.bind(window);
      window.fetch = (resource, init = {}) => {
        const url = String(resource);
        if (url.endsWith('/api/chat')) init.signal?.addEventListener('abort', () => window.__order.push('chat stopped'));
        if (init.method === 'DELETE') window.__order.push('DELETE');
        return fetchOriginal(resource, init);
      };
    });
    await gotoChat(page);
    const message = 'Delete me mid-answer [slow]';
    await send(page, message);
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 10);
    await chooseAction(page, message, 'Delete');
    await page.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('#welcome').waitFor();
    assert.deepEqual(await page.evaluate(() => window.__order), ['chat stopped', 'DELETE']);
    assert.equal(await page.locator('#conversation-list .conversation').count(), 0);
    assert.equal(await page.locator('.msg').count(), 0);
  }));

  test('a conversation deleted while its answer streams stays deleted on the server', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const message = 'Delete me for good [slow]';
    await send(page, message);
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 10);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);
    await chooseAction(page, message, 'Delete');
    await page.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('#welcome').waitFor();
    await page.waitForTimeout(1000); // longer than the stub's gap between two pieces, when the server writes again
    assert.equal((await fetch(`${BASE_URL}/api/conversations/${encodeURIComponent(id)}`)).status, 404);
  }));

  test('in shared-token mode the page asks for the token once in a dialog and sends it as X-Chat-Token', TIMEOUT, () => withPage({}, async (page) => {
    const seen = [];
    // The server plays a shared-token server: it says so, keeps its open routes open and refuses the rest without the token.
    await page.route('**/api/**', async (route) => {
      const { pathname } = new URL(route.request().url());
      if (pathname === '/api/auth/config') return route.fulfill({ json: { mode: 'token' } });
      if (pathname === '/api/health') return route.continue();
      const token = route.request().headers()[TOKEN_HEADER] ?? null;
      seen.push({ token, authorization: route.request().headers().authorization ?? null });
      if (token === 'open-sesame') return route.continue();
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        headers: { 'WWW-Authenticate': 'Bearer realm="bedrock-chat"' },
        body: JSON.stringify({ error: { code: 'Unauthorized', reason: token ? 'invalid_token' : 'missing_token', message: 'Send the access token.', requestId: 'r-auth' } }),
      });
    });
    await page.goto('/');
    const dialog = page.getByRole('dialog', { name: 'Access token needed' });
    await dialog.waitFor();
    const field = dialog.getByLabel('Access token');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-input');
    await field.fill('wrong');
    await field.press('Enter');
    await dialog.locator('#token-error').waitFor();
    await field.fill('open-sesame');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#model-select option').first().waitFor({ state: 'attached' });
    await page.locator('#health[data-state="ok"]').waitFor();
    await listSettled(page);
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('bedrock-chat.access-token')), 'open-sesame');
    assert.equal(await page.evaluate(() => localStorage.getItem('bedrock-chat.access-token')), null);
    await send(page, 'With a token');
    await answerSettled(page);
    assert.match(await lastAnswer(page).textContent(), /Stub reply to: With a token/);
    assert.deepEqual(seen.slice(0, 2).map((s) => s.token), [null, 'wrong'], 'asked once, then a wrong token was refused');
    assert.equal(seen.at(-1).token, 'open-sesame');
    assert.ok(seen.every((s) => s.authorization === null), 'the token travels in X-Chat-Token, never in Authorization');
    assert.equal(await page.locator('#account').isVisible(), false, 'no account area without sign-in');
  }));

  test('the list pages: the newest twenty first, then "Load more" brings the rest', TIMEOUT, () => withPage({}, async (page) => {
    for (let i = 1; i <= 21; i += 1) {
      const response = await api('/api/chat', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: `Topic ${String(i).padStart(2, '0')}` }),
      });
      assert.equal(response.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 15)); // each one a little newer than the one before
    }
    await gotoChat(page);
    const titles = () => page.locator('#conversation-list .conversation__title').allTextContents();
    assert.deepEqual(await titles(), Array.from({ length: 20 }, (_, i) => `Topic ${String(21 - i).padStart(2, '0')}`), 'newest first');
    const more = page.getByRole('button', { name: 'Load more' });
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 21);
    assert.equal((await titles()).at(-1), 'Topic 01');
    assert.equal(await more.isVisible(), false, 'nothing more to load');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Topic 01', 'focus on the first newly loaded one');
  }));

  test('search finds conversations by their words, says when nothing matches, and clears', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Notes about harbours');
    await answerSettled(page);
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Recipe for bread');
    await answerSettled(page);
    const queries = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/conversations' && url.searchParams.has('q')) queries.push(url.searchParams.get('q'));
    });
    const titles = () => page.locator('#conversation-list .conversation__title').allTextContents();
    const box = page.getByRole('searchbox', { name: 'Search conversations' });

    await box.pressSequentially('harbour', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    await listSettled(page);
    assert.deepEqual(await titles(), ['Notes about harbours']);
    assert.equal(await page.locator('#conversations-heading').textContent(), 'Search results');
    assert.deepEqual(queries, ['harbour'], 'one request once typing paused, not one per key');
    await page.waitForFunction(() => /1 conversation matches “harbour”/.test(document.getElementById('announcer').textContent));

    await box.fill('zebra crossing quantum');
    await page.locator('#conversations-status', { hasText: 'No conversations match “zebra crossing quantum”.' }).waitFor();
    assert.deepEqual(await titles(), []);

    await page.getByRole('button', { name: 'Clear the search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 2);
    assert.deepEqual(await titles(), ['Recipe for bread', 'Notes about harbours']);
    assert.equal(await box.inputValue(), '');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'conversation-search');
    assert.equal(await page.locator('#conversations-heading').textContent(), 'Recent');
  }));

  test('rename in place: Enter saves on the server, Escape cancels, an empty title is refused', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'Plans for the weekend');
    await answerSettled(page);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);

    await chooseAction(page, 'Plans for the weekend', 'Rename');
    const field = page.getByRole('textbox', { name: 'New title for “Plans for the weekend”' });
    assert.equal(await field.inputValue(), 'Plans for the weekend');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('conversation__rename-input')), true);
    await field.fill('Changed my mind');
    await field.press('Escape');
    assert.deepEqual(await page.locator('#conversation-list .conversation__title').allTextContents(), ['Plans for the weekend']);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Plans for the weekend', 'focus back on the item');

    await chooseAction(page, 'Plans for the weekend', 'Rename');
    await field.fill('   ');
    await field.press('Enter');
    await page.locator('.conversation__rename-error', { hasText: 'A title needs at least one character.' }).waitFor();

    await field.fill('Weekend: hiking and a museum');
    await field.press('Enter');
    await page.locator('#conversation-list .conversation__title', { hasText: 'Weekend: hiking and a museum' }).waitFor();
    assert.equal(await page.locator('#chat-title').textContent(), 'Weekend: hiking and a museum', 'the open conversation’s title too');
    assert.equal(await page.locator('.conversation__rename-input').count(), 0);
    assert.deepEqual((await listedConversations()).map((c) => [c.id, c.title]), [[id, 'Weekend: hiking and a museum']]);
    await page.waitForFunction(() => document.getElementById('announcer').textContent === 'Renamed to “Weekend: hiking and a museum”.');

    await page.reload();
    await listSettled(page);
    // The list and the conversation load apart: wait for the conversation's own title (the page shows a placeholder
    // until then), then check it is the one saved.
    await page.waitForFunction(() => document.getElementById('chat-title').textContent !== 'Conversation');
    assert.equal(await page.locator('#chat-title').textContent(), 'Weekend: hiking and a museum', 'the server keeps it');
  }));

  test('export downloads the conversation as Markdown or JSON', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    const message = 'Export this conversation please';
    await send(page, message);
    await answerSettled(page);
    const id = decodeURIComponent(page.url().split('#/c/')[1]);

    const [markdown] = await Promise.all([page.waitForEvent('download'), chooseAction(page, message, 'Export as Markdown')]);
    assert.equal(markdown.suggestedFilename(), `conversation-${id}.md`);
    const text = readFileSync(await markdown.path(), 'utf8');
    assert.ok(text.includes(message), 'the question is in the file');
    assert.ok(text.includes(`Stub reply to: ${message}`), 'and the answer');

    const [json] = await Promise.all([page.waitForEvent('download'), chooseAction(page, message, 'Export as JSON')]);
    assert.equal(json.suggestedFilename(), `conversation-${id}.json`);
    const parsed = JSON.parse(readFileSync(await json.path(), 'utf8'));
    assert.ok(JSON.stringify(parsed).includes(message));
    await page.waitForFunction(() => document.getElementById('announcer').textContent === 'Exported as JSON.');
  }));

  test('"Delete all conversations" names the count, then empties the list here and on the server', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    for (const message of ['First of two', 'Second of two']) {
      await page.getByRole('button', { name: 'New chat' }).click();
      await send(page, message);
      await answerSettled(page);
    }
    const deleteAll = page.getByRole('button', { name: 'Delete all conversations' });
    await deleteAll.click();
    const dialog = page.getByRole('dialog', { name: 'Delete all 2 conversations?' });
    await dialog.waitFor();
    assert.equal(await dialog.locator('#confirm-text').textContent(), 'All 2 of your conversations will be deleted from the server. This cannot be undone.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('#conversation-list .conversation').count(), 2);
    assert.equal((await listedConversations()).length, 2);

    await deleteAll.click();
    await dialog.getByRole('button', { name: 'Delete 2 conversations' }).click();
    await page.locator('#conversations-status', { hasText: 'Your conversations appear here.' }).waitFor();
    assert.equal(await page.locator('#conversation-list .conversation').count(), 0);
    assert.equal(await page.locator('#welcome').isVisible(), true);
    assert.equal(await deleteAll.isVisible(), false);
    assert.deepEqual(await listedConversations(), []);
    await page.waitForFunction(() => document.getElementById('announcer').textContent === 'Deleted 2 conversations.');
  }));

  test('a stopped answer, opened again, is marked as cut off', TIMEOUT, () => withPage({}, async (page) => {
    await gotoChat(page);
    await send(page, 'A story to stop [slow]');
    await page.waitForFunction(() => document.querySelector('.msg--assistant .msg__content')?.textContent.length > 10);
    await page.getByRole('button', { name: 'Stop the answer' }).click();
    await lastAnswer(page).locator('.msg__note', { hasText: 'Stopped' }).waitFor();
    const id = decodeURIComponent(page.url().split('#/c/')[1]);
    await page.waitForTimeout(500); // the server writes the part it kept once it sees the client gone
    const stored = await (await api(`/api/conversations/${encodeURIComponent(id)}`)).json();
    const kept = stored.messages.at(-1);
    assert.equal(kept.role, 'assistant');
    assert.equal(kept.partial, true, 'the server marks the kept part as partial');

    await page.reload();
    const note = lastAnswer(page).locator('.msg__note--partial');
    await note.waitFor();
    assert.match(await note.textContent(), /^Answer cut off/);
    const shown = (await lastAnswer(page).locator('.msg__content').textContent()).trim();
    assert.ok(shown.length >= 10 && kept.content.startsWith(shown.slice(0, 10)), `the part that was kept shows: “${shown}”`);
  }));

  test('the offline stand-in is clearly labelled', TIMEOUT, () => withPage({}, async (page) => {
    await page.route('**/api/health', async (route) => {
      const response = await route.fetch();
      const health = await response.json();
      await route.fulfill({ response, json: { ...health, mode: 'offline' } });
    });
    await gotoChat(page);
    const badge = page.locator('#offline-badge');
    await badge.waitFor();
    assert.equal(await badge.textContent(), 'Offline stand-in — not Bedrock');
    assert.equal(await page.locator('#health').getAttribute('data-state'), 'offline');
    await screenshot(page, 'desktop-light-offline');
  }));

  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots in ${colorScheme}: desktop and phone`, TIMEOUT, () => withPage({ colorScheme, reducedMotion: 'reduce' }, async (page) => {
      await gotoChat(page);
      await page.locator('#health[data-state="ok"]').waitFor();
      await screenshot(page, `desktop-${colorScheme}-welcome`);
      await send(page, 'Compare a few options for me [markdown]');
      await answerSettled(page);
      await send(page, 'And one that fails [throttle]');
      await lastAnswer(page).locator('.msg__error').waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await screenshot(page, `desktop-${colorScheme}-chat`);
      await page.setViewportSize(PHONE);
      await page.locator('#thread').evaluate((thread) => { thread.scrollTop = thread.scrollHeight; });
      await screenshot(page, `phone-${colorScheme}-chat`);
      await page.getByRole('button', { name: 'Open the conversation list' }).click();
      await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).visibility === 'visible');
      await screenshot(page, `phone-${colorScheme}-drawer`);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'New chat' }).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Open the conversation list' }).click();
      await page.getByRole('button', { name: 'New chat' }).click();
      await screenshot(page, `phone-${colorScheme}-welcome`);
    }));
  }
});
