// Things said to the person: screen-reader announcements (polite live region) and short visible notices.

export function createAnnouncer(region) {
  let timer;
  return (text) => {
    clearTimeout(timer);
    // Emptying first makes a repeated sentence count as a change.
    region.textContent = '';
    timer = setTimeout(() => { region.textContent = text; }, 50);
  };
}

const NOTICE_MS = 8000;

export function createNotices(container) {
  const doc = container.ownerDocument;
  return function notify(message, { tone = 'info' } = {}) {
    const notice = doc.createElement('div');
    notice.className = `toast toast--${tone}`;
    const text = doc.createElement('p');
    text.className = 'toast__text';
    text.textContent = message;
    const close = doc.createElement('button');
    close.type = 'button';
    close.className = 'toast__close';
    close.setAttribute('aria-label', 'Dismiss notice');
    close.textContent = '×';
    const dismiss = () => notice.remove();
    close.addEventListener('click', dismiss);
    notice.append(text, close);
    container.append(notice);
    setTimeout(dismiss, NOTICE_MS);
  };
}
