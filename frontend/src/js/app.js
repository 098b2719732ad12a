// The chat page: wires the API client, the conversation list, the thread and the composer together.
import { Marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';
import { createApi, createTokenStore } from './api.js';
import { ApiError, describeError } from './errors.js';
import { createMarkdown } from './markdown.js';
import { createConversationStore, STORAGE_KEY } from './conversations.js';
import { createChatView } from './chat-view.js';
import { createChatSession } from './chat-session.js';
import { createSidebar, conversationHref, conversationIdFromHash } from './sidebar.js';
import { createConfirm, createTokenPrompt } from './dialogs.js';
import { createAnnouncer, createNotices } from './notices.js';
import { copyText } from './clipboard.js';
import { healthLine } from './health.js';

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

const ui = {
  app: $('app'),
  sidebar: $('sidebar'),
  title: $('chat-title'),
  offlineBadge: $('offline-badge'),
  modelPicker: $('model-picker'),
  modelSelect: $('model-select'),
  health: $('health'),
  healthText: $('health-text'),
  thread: $('thread'),
  messages: $('messages'),
  welcome: $('welcome'),
  composer: $('composer'),
  input: $('composer-input'),
  send: $('send'),
  stop: $('stop'),
  newChat: $('new-chat'),
};

const announce = createAnnouncer($('announcer'));
const notify = createNotices($('toasts'));
const confirm = createConfirm($('confirm-dialog'));
const api = createApi({ tokens: createTokenStore(safeStorage('sessionStorage')), askForToken: createTokenPrompt($('token-dialog')) });
const store = createConversationStore(local);
const markdown = createMarkdown({ Marked, purify: DOMPurify });
const view = createChatView({ thread: ui.thread, messages: ui.messages, welcome: ui.welcome, jumpButton: $('jump-latest'), markdown });
const sidebar = createSidebar({
  app: ui.app,
  sidebar: ui.sidebar,
  list: $('conversation-list'),
  empty: $('conversations-empty'),
  openButton: $('open-drawer'),
  closeButton: $('close-drawer'),
  backdrop: $('backdrop'),
  // Everything else stays usable while the phone drawer is open: the live region, and the dialogs it may open.
  keepActive: [$('announcer'), $('confirm-dialog'), $('token-dialog')],
  onOpen: (id) => session.open(id, { focusComposer: true }),
  onDelete: (id, title) => deleteConversation(id, title),
});

// ---- Title, address and list ------------------------------------------------------------------------------

function showTitle(title) {
  ui.title.textContent = title;
  document.title = title === 'New chat' ? APP_NAME : `${title} — ${APP_NAME}`;
}

function showConversation(id) {
  sidebar.setActive(id);
  const address = id ? conversationHref(id) : window.location.pathname + window.location.search;
  if (window.location.hash !== (id ? address : '')) history.replaceState(null, '', address);
  showTitle(id ? store.get(id)?.title ?? 'Conversation' : 'New chat');
}

store.subscribe((conversations) => sidebar.render(conversations));
sidebar.render(store.list());

window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) store.reload();
});

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

const session = createChatSession({
  api,
  store,
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
});

async function deleteConversation(id, title) {
  const neighbour = sidebar.neighbourOf(id);
  if (!(await session.remove(id, title))) return;
  if (!(neighbour && sidebar.focusItem(neighbour))) ui.newChat.focus();
}

ui.newChat.addEventListener('click', () => {
  sidebar.closeDrawer({ restoreFocus: false });
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

// ---- Start ------------------------------------------------------------------------------------------------------

(async function start() {
  resizeInput();
  updateSendButton();
  const fromAddress = conversationIdFromHash(window.location.hash);
  // The models call runs first so a token dialog (401) comes up once, before the rest.
  await loadModels();
  checkHealth();
  if (fromAddress) session.open(fromAddress);
  else session.startNew({ focusComposer: !touchOnly.matches });
})();
