// The conversation flow behind the page: opening, sending, stopping, retrying and deleting conversations.
// It holds the ordering rules (what waits for what) and talks to the page only through the objects it is given,
// so those rules can be tested without a browser.
import { ApiError, NetworkError, describeError } from './errors.js';
import { titleFrom } from './conversations.js';
import { partialNote } from './partial-answers.js';
import { costLabel } from './usage.js';

/**
 * @param {object} parts
 * @param {ReturnType<import('./api.js').createApi>} parts.api
 * @param {ReturnType<import('./conversations.js').createConversationList>} parts.conversations the person's conversation list
 * @param {ReturnType<import('./chat-view.js').createChatView>} parts.view the message thread
 * @param {{ setRunning(running: boolean): void, setLoading(loading: boolean): void, giveBack(text: string): void, focus(): void }} parts.composer
 *   `setLoading(true)` blocks sending (keeping the typed text); `giveBack` returns a refused message to edit.
 * @param {(id: string|null, title?: string) => void} parts.showConversation shows which conversation is open
 *   (address, title, list); `title` when the server just said it
 * @param {() => string|undefined} [parts.modelId] the model picked on the page, if any
 * @param {(question: {heading: string, message: string, confirmLabel: string}) => Promise<boolean>} parts.confirm
 * @param {(message: string, options?: {tone?: string}) => void} parts.notify
 * @param {(text: string) => void} parts.announce
 * @param {() => void} [parts.onNetworkError] called when the service could not be reached
 * @param {() => void} [parts.onTurnEnded] called when a turn's request has ended, however (to refresh the usage shown)
 */
export function createChatSession({
  api, conversations, view, composer, showConversation, modelId = () => undefined, confirm, notify, announce, onNetworkError = () => {},
  onTurnEnded = () => {},
}) {
  const state = {
    conversationId: null,
    /** The answer being written: { controller, answer, done } where `done` settles when its request has ended. */
    running: null,
    /** A conversation's history is being fetched: sending waits, or the history would land after the new turn. */
    loading: false,
    /** The open conversation could not be loaded (choosing it again tries again). */
    loadFailed: false,
    /** Increases on every navigation, so late answers for a conversation left behind are ignored. */
    navigation: 0,
  };

  function setLoading(loading) {
    state.loading = loading;
    composer.setLoading(loading);
  }

  function setCurrent(id, title) {
    state.conversationId = id;
    showConversation(id, title);
  }

  function showHistory(messages) {
    for (const message of messages) {
      if (typeof message?.content !== 'string') continue;
      if (message.role === 'user') view.addUser(message.content);
      else view.addAnswer({ streaming: false }).finish(message.content, { partial: message.partial === true ? partialNote(message.partialReason) : undefined });
    }
  }

  function messagesOf(conversation) {
    return Array.isArray(conversation?.messages) ? conversation.messages : [];
  }

  // ---- Sending -----------------------------------------------------------------------------------------------

  /**
   * Sends a message and streams its answer into the thread. Resolves when the request has ended (it never rejects:
   * failures are shown in the thread); resolves to false at once when sending is not possible right now.
   * `questionShown`: the question is already in the thread (a retry).
   */
  function send(text, { questionShown = false } = {}) {
    if (!canSend()) return Promise.resolve(false);
    view.removeRetries();
    if (!questionShown) view.addUser(text);
    view.follow();
    const turn = { text, accepted: false, controller: new AbortController(), answer: view.addAnswer(), done: undefined };
    state.running = turn;
    composer.setRunning(true);
    turn.done = runTurn(text, turn).finally(() => {
      if (state.running === turn) {
        state.running = null;
        composer.setRunning(false);
      }
      onTurnEnded();
    });
    return turn.done;
  }

  async function runTurn(text, turn) {
    const { controller, answer } = turn;
    const navigation = state.navigation;
    const current = () => state.navigation === navigation;
    const firstTurn = state.conversationId === null;
    let startedId = null;
    let startedTitle;
    let recorded = false;
    let sofar = '';

    // The list entry is written once the server has something to keep: the first text, or the end of the turn.
    // (A first turn that fails or is stopped before any text leaves nothing on the server, so nothing to list; one
    // cut off after some text is kept there as a partial answer, so it stays listed.)
    function record(id, title = startedTitle) {
      if (recorded || !current() || typeof id !== 'string' || id === '') return;
      recorded = true;
      const shown = title || (firstTurn ? titleFrom(text) : undefined);
      conversations.noteTurn({ id, title: shown });
      if (state.conversationId !== id) setCurrent(id, shown);
      else if (title) showConversation(id, title);
    }

    try {
      const done = await api.chat({
        message: text,
        conversationId: state.conversationId ?? undefined,
        modelId: modelId(),
        signal: controller.signal,
        onStart: ({ conversationId, title } = {}) => {
          turn.accepted = true;
          if (typeof conversationId === 'string' && conversationId !== '') startedId = conversationId;
          if (typeof title === 'string' && title.trim() !== '') startedTitle = title;
        },
        onDelta: (piece) => {
          if (!current()) return;
          sofar += piece;
          record(startedId);
          answer.update(sofar);
        },
      });
      if (!current()) return;
      record(startedId ?? done?.conversationId, startedTitle ?? (typeof done?.title === 'string' ? done.title : undefined));
      answer.finish(sofar, { cost: costLabel(done?.costUsd) });
      announce(`Answer: ${answer.plainText()}`);
    } catch (error) {
      if (!current()) return;
      const problem = describeError(error);
      if (problem.stopped) {
        answer.finish(sofar, { stopped: true });
        announce('Answer stopped.');
        return;
      }
      const retry = problem.retryable ? () => retryTurn(text, answer, { cutOff: startedId !== null }) : undefined;
      answer.fail(problem, sofar, retry);
      if (!problem.retryable) composer.giveBack(text); // nothing to retry as is (e.g. too long): edit it instead
      if (error instanceof NetworkError) onNetworkError();
    }
  }

  function canSend() {
    return !state.running && !state.loading;
  }

  /** Aborts the running answer and waits until its request has ended. */
  async function stopAndSettle() {
    const turn = state.running;
    if (!turn) return;
    turn.controller.abort();
    await turn.done;
  }

  // ---- Retrying ----------------------------------------------------------------------------------------------

  /**
   * Asks a failed question again. When its answer had begun (`cutOff`), the server kept the part that arrived as a
   * partial answer, so the thread is first reloaded to match the server.
   */
  async function retryTurn(text, failed, { cutOff }) {
    if (!failed.element.isConnected || state.loading) return;
    if (state.running) {
      notify('An answer is still being written: wait for it or stop it, then retry.');
      return;
    }
    const id = state.conversationId;
    if (!cutOff || id === null) {
      failed.element.remove();
      const done = send(text, { questionShown: true });
      focusNewAnswer();
      await done;
      return;
    }

    const navigation = state.navigation;
    setLoading(true);
    let messages;
    try {
      messages = messagesOf(await api.conversation(id));
    } catch (error) {
      if (navigation !== state.navigation) return;
      setLoading(false);
      if (!(error instanceof ApiError && error.status === 404)) {
        notify(`Could not reload the conversation before retrying. ${describeError(error).message}`, { tone: 'error' });
        return;
      }
      // The server kept nothing of it: the question starts the conversation again.
      conversations.forget(id);
      setCurrent(null);
      messages = [];
    }
    if (navigation !== state.navigation) return;
    setLoading(false);
    view.clear();
    showHistory(messages);
    const done = send(text);
    focusNewAnswer();
    await done;
  }

  function focusNewAnswer() {
    if (state.running) state.running.answer.focus();
    else composer.focus();
  }

  // ---- Moving between conversations --------------------------------------------------------------------------

  function leaveCurrent() {
    if (state.running) {
      state.running.controller.abort();
      state.running = null;
      composer.setRunning(false);
    }
    state.navigation += 1;
    state.loadFailed = false;
    setLoading(false);
    view.clear();
  }

  function startNew({ focusComposer = true } = {}) {
    leaveCurrent();
    setCurrent(null);
    view.setWelcome(true);
    if (focusComposer) composer.focus();
  }

  /** Opens a conversation from the server; choosing the one already open (and loaded or loading) changes nothing. */
  async function open(id, { focusComposer = false } = {}) {
    if (id === state.conversationId && !state.loadFailed) {
      if (focusComposer) composer.focus();
      return;
    }
    leaveCurrent();
    const navigation = state.navigation;
    setCurrent(id);
    view.setWelcome(false);
    view.setLoading(true);
    setLoading(true);
    if (focusComposer) composer.focus();
    try {
      const conversation = await api.conversation(id);
      const messages = messagesOf(conversation);
      if (navigation !== state.navigation) return;
      view.setLoading(false);
      setLoading(false);
      showHistory(messages);
      if (messages.length === 0) view.setWelcome(true);
      const title = typeof conversation?.title === 'string' && conversation.title.trim() !== ''
        ? conversation.title
        : conversations.titleOf(id) ?? titleFrom(messages.find((message) => message.role === 'user')?.content);
      showConversation(id, title);
      view.follow();
      announce(`Opened “${title}”, ${messages.length} messages.`);
    } catch (error) {
      if (navigation !== state.navigation) return;
      view.setLoading(false);
      setLoading(false);
      if (error instanceof ApiError && error.status === 404) {
        conversations.forget(id);
        startNew({ focusComposer });
        notify('That conversation is no longer on the server, so it was removed from your list.');
        return;
      }
      state.loadFailed = true;
      view.addAnswer({ streaming: false }).fail(describeError(error), '', () => open(id, { focusComposer: true }));
    }
  }

  /**
   * Deletes a conversation after asking. An answer still being written into it is stopped first, and its request
   * has ended before the DELETE goes out. Resolves true when deleted.
   */
  async function remove(id, title) {
    const confirmed = await confirm({
      heading: 'Delete this conversation?',
      message: `“${title}” will be deleted from the server. This cannot be undone.`,
      confirmLabel: 'Delete',
    });
    if (!confirmed) return false;
    if (state.conversationId === id) await stopAndSettle();
    try {
      await api.deleteConversation(id);
    } catch (error) {
      notify(`Could not delete the conversation. ${describeError(error).message}`, { tone: 'error' });
      return false;
    }
    conversations.forget(id);
    if (state.conversationId === id) startNew({ focusComposer: false });
    announce(`Deleted “${title}”.`);
    return true;
  }

  /**
   * Deletes all of the person's conversations after a confirmation that says how many there are. An answer being
   * written is stopped first, and its request has ended before the DELETE goes out. Resolves true when deleted.
   */
  async function removeAll() {
    let count;
    try {
      count = await conversations.countAll();
    } catch (error) {
      notify(`Could not count your conversations. ${describeError(error).message}`, { tone: 'error' });
      return false;
    }
    if (count === 0) {
      notify('There are no conversations to delete.');
      return false;
    }
    const noun = count === 1 ? 'conversation' : 'conversations';
    const confirmed = await confirm({
      heading: count === 1 ? 'Delete your conversation?' : `Delete all ${count} conversations?`,
      message: `${count === 1 ? 'Your 1 conversation' : `All ${count} of your conversations`} will be deleted from the server. This cannot be undone.`,
      confirmLabel: count === 1 ? `Delete 1 ${noun}` : `Delete ${count} ${noun}`,
    });
    if (!confirmed) return false;
    await stopAndSettle();
    let deleted;
    try {
      deleted = await api.deleteAllConversations();
    } catch (error) {
      notify(`Could not delete your conversations. ${describeError(error).message}`, { tone: 'error' });
      return false;
    }
    conversations.clear();
    startNew({ focusComposer: false });
    announce(`Deleted ${deleted} ${deleted === 1 ? 'conversation' : 'conversations'}.`);
    return true;
  }

  return {
    get conversationId() { return state.conversationId; },
    get running() { return state.running !== null; },
    get loading() { return state.loading; },
    /** The message of the answer being written, which the server has not answered yet (kept across a sign-in). */
    get unsentText() { return state.running && !state.running.accepted ? state.running.text : ''; },
    canSend,
    send,
    stop() { state.running?.controller.abort(); },
    open,
    startNew,
    remove,
    removeAll,
  };
}
