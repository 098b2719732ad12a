// The message thread: user messages as text, answers as Markdown re-rendered while they stream,
// and a view that follows the newest text unless the person scrolled up to read.

import { icon } from './icons.js';

const FOLLOW_SLACK_PX = 48;

function element(doc, tag, className, text) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Three dots or bars in a labelled box: the typing indicator and the loading placeholder. */
function dots(doc, className, label, dotClass) {
  const box = element(doc, 'div', className);
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', label);
  box.append(element(doc, 'span', dotClass), element(doc, 'span', dotClass), element(doc, 'span', dotClass));
  return box;
}

export function createChatView({ thread, messages, welcome, jumpButton, markdown }) {
  const doc = thread.ownerDocument;
  const sources = new WeakMap();
  const win = doc.defaultView;
  let following = true;

  function atBottom() {
    return thread.scrollHeight - thread.scrollTop - thread.clientHeight < FOLLOW_SLACK_PX;
  }

  function scrollToLatest() {
    thread.scrollTop = thread.scrollHeight;
  }

  function contentChanged() {
    if (following) scrollToLatest();
    jumpButton.hidden = following || atBottom();
  }

  thread.addEventListener('scroll', () => {
    following = atBottom();
    if (following) jumpButton.hidden = true;
  }, { passive: true });

  /** Starts following again: the jump button, or the person sending a message. */
  function follow() {
    following = true;
    scrollToLatest();
    jumpButton.hidden = true;
  }

  jumpButton.addEventListener('click', follow);

  function setWelcome(visible) {
    welcome.hidden = !visible;
  }

  function addUser(text) {
    setWelcome(false);
    const article = element(doc, 'article', 'msg msg--user');
    article.append(element(doc, 'h3', 'sr-only', 'You said:'));
    article.append(element(doc, 'div', 'msg__bubble', text));
    messages.append(article);
    contentChanged();
    return article;
  }

  /** A new answer; `streaming` shows the typing indicator until the first text arrives. */
  function addAnswer({ streaming = true } = {}) {
    setWelcome(false);
    const article = element(doc, 'article', 'msg msg--assistant');
    article.append(element(doc, 'h3', 'sr-only', 'Answer:'));
    const avatar = element(doc, 'div', 'msg__avatar');
    avatar.setAttribute('aria-hidden', 'true');
    avatar.append(icon(doc, 'mark'));
    const body = element(doc, 'div', 'msg__body');
    const content = element(doc, 'div', 'msg__content markdown');
    body.append(content);
    article.append(avatar, body);
    let typing;
    if (streaming) {
      article.classList.add('msg--streaming');
      article.setAttribute('aria-busy', 'true');
      typing = dots(doc, 'typing', 'Writing the answer');
      body.append(typing);
    }
    messages.append(article);
    contentChanged();

    let source = '';
    let frame = 0;

    function render() {
      frame = 0;
      markdown.renderInto(content, source);
      if (typing && source !== '') {
        typing.remove();
        typing = undefined;
      }
      contentChanged();
    }

    function settle() {
      if (frame) win.cancelAnimationFrame(frame);
      render();
      typing?.remove();
      typing = undefined;
      article.classList.remove('msg--streaming');
      article.removeAttribute('aria-busy');
    }

    function meta() {
      let bar = body.querySelector('.msg__meta');
      if (!bar) {
        bar = element(doc, 'div', 'msg__meta');
        body.append(bar);
      }
      return bar;
    }

    function copyButton() {
      const button = element(doc, 'button', 'meta-button');
      button.type = 'button';
      button.dataset.action = 'copy-answer';
      button.setAttribute('aria-label', 'Copy the answer');
      button.append(icon(doc, 'copy'), element(doc, 'span', 'meta-button__text', 'Copy'));
      return button;
    }

    const answer = {
      element: article,
      /** Plain text of the rendered answer, for the screen-reader announcement. */
      plainText: () => content.textContent.replace(/\s+/g, ' ').trim(),
      /** Replaces the text so far; rendering waits for the next frame so fast deltas cost one render. */
      update(markdownSoFar) {
        source = markdownSoFar;
        if (!frame) frame = win.requestAnimationFrame(render);
      },
      /**
       * Settles the answer with its final text; `stopped` marks one the person stopped, `partial` (a sentence)
       * one the server kept only in part; `cost` (a short label) is its estimated cost.
       */
      finish(markdownText, { stopped = false, partial, cost } = {}) {
        source = markdownText;
        settle();
        const empty = source.trim() === '';
        if (partial) {
          article.classList.add('msg--partial');
          meta().append(element(doc, 'span', 'msg__note msg__note--partial', partial));
        }
        if (stopped) meta().append(element(doc, 'span', 'msg__note', 'Stopped'));
        else if (empty && !partial) content.append(element(doc, 'p', 'msg__empty', 'The model returned no text.'));
        if (!empty) meta().append(copyButton());
        if (cost) {
          const label = element(doc, 'span', 'msg__cost', cost);
          label.title = 'Estimated cost of this answer (from the price table)';
          meta().append(label);
        }
        sources.set(article, source);
        contentChanged();
      },
      /** Shows why the answer failed; `retry` (optional) gets a Retry button. */
      fail({ message, reference }, markdownText, retry) {
        source = markdownText;
        settle();
        article.classList.add('msg--failed');
        const box = element(doc, 'div', 'msg__error');
        box.setAttribute('role', 'alert');
        box.append(icon(doc, 'alert'));
        const words = element(doc, 'div', 'msg__error-text');
        words.append(element(doc, 'p', '', message));
        if (reference) words.append(element(doc, 'p', 'msg__reference', reference));
        box.append(words);
        if (retry) {
          const button = element(doc, 'button', 'button button--small msg__retry');
          button.type = 'button';
          button.append(icon(doc, 'retry'), element(doc, 'span', '', 'Retry'));
          button.addEventListener('click', retry);
          box.append(button);
        }
        body.append(box);
        contentChanged();
        return box;
      },
      /** Moves focus to this answer (e.g. after the control that asked for it went away). */
      focus() {
        article.tabIndex = -1;
        article.focus({ preventScroll: true });
      },
    };
    return answer;
  }

  return {
    addUser,
    addAnswer,
    setWelcome,
    /** Empties the thread (another conversation, or a new one). */
    clear() {
      messages.replaceChildren();
      thread.removeAttribute('aria-busy');
      following = true;
      jumpButton.hidden = true;
    },
    setLoading(loading) {
      if (loading) {
        thread.setAttribute('aria-busy', 'true');
        messages.replaceChildren(dots(doc, 'thread-loading', 'Loading the conversation', 'thread-loading__bar'));
      } else {
        thread.removeAttribute('aria-busy');
        messages.querySelector('.thread-loading')?.remove();
      }
    },
    /** Removes every Retry button: once the thread moved on, asking an older question again would misplace it. */
    removeRetries() {
      for (const button of messages.querySelectorAll('.msg__retry')) button.remove();
    },
    follow,
    /** The answer element a button belongs to, with its Markdown source. */
    sourceOf(button) {
      const article = button.closest('.msg--assistant');
      return (article && sources.get(article)) ?? '';
    },
  };
}
