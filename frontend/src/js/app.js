// The chat page: wires sign-in, the API client, the conversation list, the thread and the composer together.
import { Marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';
import { createApi } from './api.js';
import { ApiError, describeError } from './errors.js';
import { createMarkdown } from './markdown.js';
import { createSharedTokenCredentials } from './shared-token.js';
import { createOidcClient } from './oidc-client.js';
import { createOidcSession } from './oidc-session.js';
import { createDraftKeeper } from './drafts.js';
import { createAccountView } from './account-view.js';
import { createApiKeysView } from './api-keys-view.js';
import { createConversationList, dropLegacyList } from './conversations.js';
import { createConversationListView } from './conversation-list-view.js';
import { createSearchBox } from './search-box.js';
import { saveFile } from './downloads.js';
import { createChatView } from './chat-view.js';
import { createChatSession } from './chat-session.js';
import { createDrawer, conversationHref, conversationIdFromHash } from './sidebar.js';
import { createConfirm, createTokenPrompt } from './dialogs.js';
import { createAnnouncer, createNotices } from './notices.js';
import { copyText } from './clipboard.js';
import { healthLine } from './health.js';
import { createUsageIndicator } from './usage.js';

const MODEL_KEY = 'bedrock-chat.model';
const APP_NAME = 'Bedrock Chat';
const $ = (id) => document.getElementById(id);

function safeStorage(name) {
  try {
    return window[name];
  } catch {
    return undefined;
  }
}
const local = safeStorage('localStorage');
const tab = safeStorage('sessionStorage');

const ui = {
  app: $('app'),
  sidebar: $('sidebar'),
  title: $('chat-title'),
  offlineBadge: $('offline-badge'),
  modelPicker: $('model-picker'),
  modelSelect: $('model-select'),
  health: $('health'),
  healthText: $('health-text'),
  usage: $('usage'),
  thread: $('thread'),
  messages: $('messages'),
  welcome: $('welcome'),
  composer: $('composer'),
  input: $('composer-input'),
  send: $('send'),
  stop: $('stop'),
  newChat: $('new-chat'),
  deleteAll: $('delete-all'),
};

const announce = createAnnouncer($('announcer'));
const notify = createNotices($('toasts'));
const confirm = createConfirm($('confirm-dialog'));
const drafts = createDraftKeeper(tab);
const api = createApi({ credentials: createSharedTokenCredentials({ storage: tab, askForToken: createTokenPrompt($('token-dialog')) }) });
const conversations = createConversationList({ api });
const markdown = createMarkdown({ Marked, purify: DOMPurify });
const view = createChatView({ thread: ui.thread, messages: ui.messages, welcome: ui.welcome, jumpButton: $('jump-latest'), markdown });
const drawer = createDrawer({
  app: ui.app,
  sidebar: ui.sidebar,
  openButton: $('open-drawer'),
  closeButton: $('close-drawer'),
  backdrop: $('backdrop'),
  // Everything else stays usable while the phone drawer is open: the live region, and the dialogs it may open.
  keepActive: [$('announcer'), $('confirm-dialog'), $('token-dialog'), $('keys-dialog')],
});
/** Set in OIDC mode once the server says so. */
let oidc = null;
const account = createAccountView({
  app: ui.app,
  screen: $('signin'),
  screenText: $('signin-text'),
  screenError: $('signin-error'),
  signInButton: $('sign-in'),
  account: $('account'),
  accountName: $('account-name'),
  signOutButton: $('sign-out'),
  chatOnly: [document.querySelector('.skip-link')],
  onSignIn: () => oidc?.signIn().catch((error) => account.showSignedOut({ error: error.message })),
  onSignOut: () => {
    drafts.keep('');
    if (!oidc?.signOut()) account.showSignedOut();
  },
});

const apiKeys = createApiKeysView({
  dialog: $('keys-dialog'),
  openButton: $('open-keys'),
  api,
  confirm,
  copy: (text) => copyText(text),
  announce,
  describe: (error) => describeError(error).message,
  baseUrl: `${window.location.origin}/v1`,
});

// ---- Title, address and list ------------------------------------------------------------------------------

function showTitle(title) {
  ui.title.textContent = title;
  document.title = title === 'New chat' ? APP_NAME : `${title} — ${APP_NAME}`;
}

function showConversation(id, title) {
  listView.setActive(id);
  const address = id ? conversationHref(id) : window.location.pathname + window.location.search;
  if (window.location.hash !== (id ? address : '')) history.replaceState(null, '', address);
  showTitle(id ? title ?? conversations.titleOf(id) ?? 'Conversation' : 'New chat');
}

const listView = createConversationListView({
  list: $('conversation-list'),
  heading: $('conversations-heading'),
  status: $('conversations-status'),
  moreButton: $('load-more'),
  scroller: $('conversations'),
  describe: (error) => describeError(error).message,
  onOpen: (id) => {
    drawer.close({ restoreFocus: false });
    session.open(id, { focusComposer: true });
  },
  onRename: async (id, title) => {
    const summary = await conversations.rename(id, title);
    if (session.conversationId === id) showTitle(summary.title);
    announce(`Renamed to “${summary.title}”.`);
  },
  onExport: (id, format) => exportConversation(id, format),
  onDelete: (id, title) => deleteConversation(id, title),
  onRetry: () => conversations.load(),
  onLoadMore: () => loadMore(),
});

const search = createSearchBox({
  input: $('conversation-search'),
  clearButton: $('search-clear'),
  onSearch: async (query) => {
    await conversations.load(query);
    const { status, items } = conversations.snapshot();
    if (status !== 'ready' || conversations.query !== query) return;
    if (query === '') announce(`Showing your ${items.length === 1 ? 'conversation' : 'recent conversations'}.`);
    else if (items.length === 0) announce(`No conversations match “${query}”.`);
    else announce(`${items.length}${conversations.snapshot().hasMore ? ' or more' : ''} ${items.length === 1 ? 'conversation matches' : 'conversations match'} “${query}”.`);
  },
});

conversations.subscribe((state) => {
  listView.render(state);
  ui.deleteAll.hidden = state.items.length === 0 && state.query === '';
});

async function loadMore() {
  try {
    const added = await conversations.loadMore();
    if (added.length > 0) {
      listView.focusItem(added[0].id);
      announce(`${added.length} more ${added.length === 1 ? 'conversation' : 'conversations'} loaded.`);
    }
  } catch (error) {
    notify(`Could not load more conversations. ${describeError(error).message}`, { tone: 'error' });
  }
}

async function exportConversation(id, format) {
  try {
    saveFile(document, await api.exportConversation(id, format));
    announce(`Exported as ${format === 'json' ? 'JSON' : 'Markdown'}.`);
  } catch (error) {
    notify(`Could not export the conversation. ${describeError(error).message}`, { tone: 'error' });
  }
}

// ---- Composer -----------------------------------------------------------------------------------------------

const touchOnly = window.matchMedia('(hover: none) and (pointer: coarse)');

function resizeInput() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${ui.input.scrollHeight}px`;
}

function updateSendButton() {
  // While a conversation loads, sending waits (the typed text stays): its history must come first.
  ui.send.disabled = ui.input.value.trim() === '' || session.loading;
}

function setRunning(running) {
  // The send and stop buttons take turns in one place: focus on one moves on instead of dropping to <body>.
  const buttonHadFocus = document.activeElement === ui.send || document.activeElement === ui.stop;
  ui.send.hidden = running;
  ui.stop.hidden = !running;
  if (buttonHadFocus) (running ? ui.stop : ui.input).focus();
}

function setComposerText(text) {
  ui.input.value = text;
  resizeInput();
  updateSendButton();
}

/** What a sign-in redirect must not lose: a message the server has not taken yet, and the text being typed. */
function currentDraft() {
  return [session.unsentText, ui.input.value].filter((text) => text.trim() !== '').join('\n\n');
}

ui.input.addEventListener('input', () => {
  resizeInput();
  updateSendButton();
});

ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && session.running) {
    event.preventDefault();
    session.stop();
    return;
  }
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  if (touchOnly.matches && !event.ctrlKey && !event.metaKey) return; // on-screen keyboards: Enter is a new line
  event.preventDefault();
  ui.composer.requestSubmit();
});

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value.trim();
  if (text === '' || !session.canSend()) return;
  setComposerText('');
  session.send(text);
});

ui.stop.addEventListener('click', () => session.stop());

for (const button of document.querySelectorAll('[data-suggestion]')) {
  button.addEventListener('click', () => {
    setComposerText(button.dataset.suggestion);
    ui.input.focus();
    ui.input.setSelectionRange(ui.input.value.length, ui.input.value.length);
  });
}

if (touchOnly.matches) ui.input.setAttribute('enterkeyhint', 'enter');

// ---- Conversations -----------------------------------------------------------------------------------------

const usage = createUsageIndicator({ api, element: ui.usage });

const session = createChatSession({
  api,
  conversations,
  view,
  composer: {
    setRunning,
    setLoading: updateSendButton,
    giveBack(text) {
      if (ui.input.value.trim() === '') setComposerText(text);
    },
    focus: () => ui.input.focus(),
  },
  showConversation,
  modelId: () => (ui.modelPicker.hidden ? undefined : ui.modelSelect.value || undefined),
  confirm,
  notify,
  announce,
  onNetworkError: () => checkHealth(),
  onTurnEnded: () => usage.refresh(),
});

async function deleteConversation(id, title) {
  const neighbour = listView.neighbourOf(id);
  if (!(await session.remove(id, title))) return;
  if (!(neighbour && listView.focusItem(neighbour))) ui.newChat.focus();
}

ui.deleteAll.addEventListener('click', async () => {
  if (await session.removeAll()) {
    search.reset();
    ui.newChat.focus();
  }
});

ui.newChat.addEventListener('click', () => {
  drawer.close({ restoreFocus: false });
  session.startNew();
});

window.addEventListener('hashchange', () => {
  const id = conversationIdFromHash(window.location.hash);
  if (id && id !== session.conversationId) session.open(id);
  else if (!id && session.conversationId) session.startNew({ focusComposer: false });
});

// ---- Copy buttons ---------------------------------------------------------------------------------------------

function flash(button, done) {
  const label = button.querySelector('.meta-button__text') ?? button;
  const before = label.textContent;
  label.textContent = done ? 'Copied' : 'Copy failed';
  button.classList.add('is-done');
  setTimeout(() => {
    label.textContent = before;
    button.classList.remove('is-done');
  }, 1800);
}

ui.messages.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
  if (!button) return;
  let text = '';
  if (button.dataset.action === 'copy-code') text = button.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  else if (button.dataset.action === 'copy-answer') text = view.sourceOf(button);
  else return;
  const copied = await copyText(text);
  flash(button, copied);
  announce(copied ? 'Copied to the clipboard.' : 'Could not copy to the clipboard.');
});

// ---- Service status and models -------------------------------------------------------------------------------

async function checkHealth() {
  try {
    const health = await api.health();
    const offline = health?.mode === 'offline';
    ui.offlineBadge.hidden = !offline;
    ui.health.dataset.state = offline ? 'offline' : 'ok';
    ui.healthText.textContent = healthLine(health);
    ui.health.title = [health?.model && `Default model: ${health.model}`, health?.storage && `Storage: ${health.storage}`, health?.version && `Version: ${health.version}`]
      .filter(Boolean).join('\n');
  } catch (error) {
    ui.health.dataset.state = 'down';
    ui.healthText.textContent = error instanceof ApiError ? 'Service reports a problem' : 'Service unreachable';
    ui.health.title = describeError(error).message;
  }
}

async function loadModels() {
  try {
    const { default: fallback, models } = await api.models();
    if (!Array.isArray(models) || models.length === 0) return;
    const saved = local?.getItem(MODEL_KEY);
    const options = models.filter((model) => typeof model?.id === 'string').map((model) => {
      const option = document.createElement('option');
      option.value = model.id;
      option.textContent = model.label || model.id;
      return option;
    });
    ui.modelSelect.replaceChildren(...options);
    const ids = options.map((option) => option.value);
    ui.modelSelect.value = ids.includes(saved) ? saved : ids.includes(fallback) ? fallback : ids[0];
    ui.modelSelect.disabled = ids.length < 2;
    ui.modelPicker.hidden = false;
  } catch {
    ui.modelPicker.hidden = true; // the server's default model answers
  }
}

ui.modelSelect.addEventListener('change', () => {
  try {
    local?.setItem(MODEL_KEY, ui.modelSelect.value);
  } catch {
    // not remembered: fine
  }
});

// ---- Sign-in ----------------------------------------------------------------------------------------------------

/** How the server signs people in; a server that does not say is treated as open (a 401 still asks for a token). */
async function authConfig() {
  try {
    return (await api.authConfig()) ?? { mode: 'none' };
  } catch {
    return { mode: 'none' };
  }
}

/** OIDC mode: completes a sign-in coming back from the provider, or resumes this tab's session. True when signed in. */
async function signInWithOidc(config) {
  const client = createOidcClient({ config, redirectUri: `${window.location.origin}/`, storage: tab });
  oidc = createOidcSession({
    client,
    storage: tab,
    origin: window.location.origin,
    navigate: (url) => window.location.assign(url),
    returnTo: () => window.location.hash,
    beforeRedirect: () => drafts.keep(currentDraft()),
    onSignInFailed: (error) => account.showSignedOut({ error: error.message }),
  });
  api.useCredentials(oidc);
  const answer = client.callbackParams(window.location.href);
  if (answer) {
    account.showSigningIn();
    history.replaceState(null, '', window.location.pathname); // the code and state leave the address bar at once
    try {
      const back = await oidc.completeSignIn(answer);
      if (back) history.replaceState(null, '', window.location.pathname + back);
    } catch (error) {
      account.showSignedOut({ error: error.message });
      return false;
    }
  } else if (!(await oidc.resume())) {
    account.showSignedOut();
    return false;
  }
  account.showSignedIn(null);
  apiKeys.enable();
  api.me().then(({ principal } = {}) => account.showSignedIn(principal), () => {});
  return true;
}

// ---- Start ------------------------------------------------------------------------------------------------------

(async function start() {
  dropLegacyList(local); // the server lists every conversation now, those of an older page's local list too
  resizeInput();
  updateSendButton();
  const config = await authConfig();
  if (config.mode === 'oidc' && !(await signInWithOidc(config))) {
    checkHealth();
    return;
  }
  // The models call runs first so a token dialog (401) comes up once, before the rest.
  await loadModels();
  checkHealth();
  usage.refresh();
  conversations.load();
  const draft = drafts.take();
  if (draft && ui.input.value.trim() === '') setComposerText(draft);
  const fromAddress = conversationIdFromHash(window.location.hash);
  if (fromAddress) session.open(fromAddress, { focusComposer: Boolean(draft) });
  else session.startNew({ focusComposer: !touchOnly.matches || Boolean(draft) });
})();
