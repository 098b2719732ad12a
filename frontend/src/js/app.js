// The chat page: wires the API client, the conversation list, the thread and the composer together.
import { Marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';
import { createApi, createTokenStore } from './api.js';
import { ApiError, NetworkError, describeError } from './errors.js';
import { createMarkdown } from './markdown.js';
import { createConversationStore, STORAGE_KEY, titleFrom } from './conversations.js';
import { createChatView } from './chat-view.js';
import { createSidebar, conversationHref, conversationIdFromHash } from './sidebar.js';
import { createConfirm, createTokenPrompt } from './dialogs.js';
import { createAnnouncer, createNotices } from './notices.js';
import { copyText } from './clipboard.js';

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
  main: $('main'),
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
  main: ui.main,
  list: $('conversation-list'),
  empty: $('conversations-empty'),
  openButton: $('open-drawer'),
  closeButton: $('close-drawer'),
  backdrop: $('backdrop'),
  onOpen: (id) => openConversation(id, { focusComposer: true }),
  onDelete: (id, title) => deleteConversation(id, title),
});

const state = {
  conversationId: null,
  /** The answer being streamed: { controller, answer }. */
  running: null,
  /** Increases on every navigation, so late answers for a conversation left behind are ignored. */
  navigation: 0,
};

// ---- Title, address and list ------------------------------------------------------------------------------

function showTitle(title) {
  ui.title.textContent = title;
  document.title = title === 'New chat' ? APP_NAME : `${title} — ${APP_NAME}`;
}

function setCurrent(id) {
  state.conversationId = id;
  sidebar.setActive(id);
  const address = id ? conversationHref(id) : window.location.pathname + window.location.search;
  if (window.location.hash !== (id ? address : '')) history.replaceState(null, '', address);
  showTitle(id ? store.get(id)?.title ?? 'Conversation' : 'New chat');
}

store.subscribe((conversations) => {
  sidebar.render(conversations);
  sidebar.setActive(state.conversationId);
});
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
  ui.send.disabled = ui.input.value.trim() === '';
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
  if (event.key === 'Escape' && state.running) {
    event.preventDefault();
    stopAnswer();
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
  if (text === '' || state.running) return;
  setComposerText('');
  sendMessage(text);
});

ui.stop.addEventListener('click', () => stopAnswer());

for (const button of document.querySelectorAll('[data-suggestion]')) {
  button.addEventListener('click', () => {
    setComposerText(button.dataset.suggestion);
    ui.input.focus();
    ui.input.setSelectionRange(ui.input.value.length, ui.input.value.length);
  });
}

if (touchOnly.matches) ui.input.setAttribute('enterkeyhint', 'enter');

// ---- Sending and streaming -----------------------------------------------------------------------------------

function stopAnswer() {
  state.running?.controller.abort();
}

async function sendMessage(text, { userMessage } = {}) {
  if (state.running) return;
  const navigation = state.navigation;
  const controller = new AbortController();
  if (!userMessage) view.addUser(text);
  view.follow();
  const answer = view.addAnswer();
  state.running = { controller, answer };
  setRunning(true);
  let sofar = '';
  const current = () => state.navigation === navigation;
  try {
    await api.chat({
      message: text,
      conversationId: state.conversationId,
      modelId: ui.modelPicker.hidden ? undefined : ui.modelSelect.value || undefined,
      signal: controller.signal,
      onStart: ({ conversationId }) => {
        if (!current() || typeof conversationId !== 'string' || conversationId === '') return;
        if (store.has(conversationId)) store.touch(conversationId);
        else store.save({ id: conversationId, title: titleFrom(text) });
        if (state.conversationId !== conversationId) setCurrent(conversationId);
      },
      onDelta: (piece) => {
        if (!current()) return;
        sofar += piece;
        answer.update(sofar);
      },
    });
    if (!current()) return;
    answer.finish(sofar);
    announce(`Answer: ${answer.plainText()}`);
  } catch (error) {
    if (!current()) return;
    const problem = describeError(error);
    if (problem.stopped) {
      answer.stop(sofar);
      announce('Answer stopped.');
      return;
    }
    const retry = problem.retryable ? () => {
      if (state.running) {
        notify('An answer is still being written: wait for it or stop it, then retry.');
        return;
      }
      answer.element.remove();
      sendMessage(text, { userMessage: true });
    } : undefined;
    answer.fail(problem, sofar, retry);
    if (!problem.retryable && ui.input.value.trim() === '') {
      // Nothing to retry as is (e.g. too long): give the text back to edit.
      setComposerText(text);
    }
    if (error instanceof NetworkError) checkHealth();
  } finally {
    if (state.running?.controller === controller) {
      state.running = null;
      setRunning(false);
    }
  }
}

// ---- Conversations -----------------------------------------------------------------------------------------

function leaveCurrent() {
  if (state.running) {
    state.running.controller.abort();
    state.running = null;
    setRunning(false);
  }
  state.navigation += 1;
  view.clear();
}

function newConversation({ focusComposer = true } = {}) {
  leaveCurrent();
  setCurrent(null);
  view.setWelcome(true);
  if (focusComposer) ui.input.focus();
}

async function openConversation(id, { focusComposer = false } = {}) {
  leaveCurrent();
  const navigation = state.navigation;
  setCurrent(id);
  view.setWelcome(false);
  view.setLoading(true);
  if (focusComposer) ui.input.focus();
  try {
    const conversation = await api.conversation(id);
    if (navigation !== state.navigation) return;
    view.setLoading(false);
    const messages = Array.isArray(conversation?.messages) ? conversation.messages : [];
    for (const message of messages) {
      if (typeof message?.content !== 'string') continue;
      if (message.role === 'user') view.addUser(message.content);
      else view.addAnswer({ streaming: false }).finish(message.content);
    }
    if (messages.length === 0) view.setWelcome(true);
    if (!store.has(id)) {
      const first = messages.find((message) => message.role === 'user');
      store.save({ id, title: titleFrom(first?.content) });
      showTitle(store.get(id).title);
    }
    view.follow();
    announce(`Opened “${store.get(id)?.title ?? 'conversation'}”, ${messages.length} messages.`);
  } catch (error) {
    if (navigation !== state.navigation) return;
    view.setLoading(false);
    if (error instanceof ApiError && error.status === 404) {
      store.remove(id);
      newConversation({ focusComposer });
      notify('That conversation is no longer on the server, so it was removed from your list.');
      return;
    }
    const problem = describeError(error);
    view.addAnswer({ streaming: false }).fail(problem, '', () => openConversation(id, { focusComposer: true }));
  }
}

async function deleteConversation(id, title) {
  const confirmed = await confirm({
    heading: 'Delete this conversation?',
    message: `“${title}” will be deleted from the server and from this list. This cannot be undone.`,
    confirmLabel: 'Delete',
  });
  if (!confirmed) return;
  const neighbour = sidebar.neighbourOf(id);
  try {
    await api.deleteConversation(id);
  } catch (error) {
    notify(`Could not delete the conversation. ${describeError(error).message}`, { tone: 'error' });
    return;
  }
  store.remove(id);
  if (state.conversationId === id) newConversation({ focusComposer: false });
  announce(`Deleted “${title}”.`);
  if (!(neighbour && sidebar.focusItem(neighbour))) ui.newChat.focus();
}

ui.newChat.addEventListener('click', () => {
  sidebar.closeDrawer({ restoreFocus: false });
  newConversation();
});

window.addEventListener('hashchange', () => {
  const id = conversationIdFromHash(window.location.hash);
  if (id && id !== state.conversationId) openConversation(id);
  else if (!id && state.conversationId) newConversation({ focusComposer: false });
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
    ui.healthText.textContent = offline ? 'Offline stand-in — not Bedrock' : ['Amazon Bedrock', health?.region].filter(Boolean).join(' · ');
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
  if (fromAddress) openConversation(fromAddress);
  else newConversation({ focusComposer: !touchOnly.matches });
})();
