// Answers rendered as Markdown (marked, GitHub flavour) and sanitized (DOMPurify) before they touch the page.
// Raw HTML written by the model is shown as text, never interpreted; only <br> (common in table cells) is kept.
// The libraries come in as arguments so the page can pass its vendored copies and tests their npm copies.

const SANITIZE_OPTIONS = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'option', 'dialog', 'template'],
  FORBID_ATTR: ['style', 'id', 'name', 'autofocus', 'tabindex'],
};

export function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * @param {{ Marked: Function, purify: object }} libraries marked's `Marked` class and a DOMPurify instance bound to a window
 */
export function createMarkdown({ Marked, purify }) {
  const marked = new Marked({
    async: false,
    gfm: true,
    breaks: false,
    renderer: {
      html({ text, block }) {
        if (/^<br\s*\/?>$/i.test(text.trim())) return '<br>';
        return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
      },
      image({ href, text }) {
        // The page's CSP allows images from itself and data: URLs only; other images become links.
        if (/^data:image\/(png|gif|jpeg|webp);/i.test(href)) return false;
        return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
      },
    },
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    if (node.nodeName === 'INPUT') {
      if (node.getAttribute('type') === 'checkbox') node.setAttribute('disabled', '');
      else node.remove();
    }
  });

  function sanitize(html) {
    return purify.sanitize(html, SANITIZE_OPTIONS);
  }

  return {
    /** The safety net behind the renderer: whatever HTML reaches it leaves without scripts, handlers or styles. */
    sanitize,
    /** Replaces the element's content with the rendered answer and adds code-block bars and table scrollers. */
    renderInto(element, markdown) {
      element.innerHTML = sanitize(marked.parse(String(markdown ?? '')));
      decorate(element);
    },
  };
}

/** Wraps code blocks in a bar with their language and a copy button, and tables in a horizontal scroller. */
function decorate(root) {
  const doc = root.ownerDocument;
  for (const pre of root.querySelectorAll('pre')) {
    const code = pre.querySelector('code');
    if (!code || pre.parentElement?.classList.contains('code-block')) continue;
    const block = doc.createElement('div');
    block.className = 'code-block';
    const bar = doc.createElement('div');
    bar.className = 'code-block__bar';
    const lang = doc.createElement('span');
    lang.className = 'code-block__lang';
    lang.textContent = /(?:^|\s)language-([\w#+.-]+)/.exec(code.className)?.[1] ?? 'text';
    const copy = doc.createElement('button');
    copy.type = 'button';
    copy.className = 'code-block__copy';
    copy.dataset.action = 'copy-code';
    copy.setAttribute('aria-label', `Copy ${lang.textContent === 'text' ? '' : `${lang.textContent} `}code`);
    copy.textContent = 'Copy';
    bar.append(lang, copy);
    pre.replaceWith(block);
    block.append(bar, pre);
    pre.tabIndex = 0; // long lines scroll: reachable by keyboard
  }
  for (const table of root.querySelectorAll('table')) {
    if (table.parentElement?.classList.contains('table-wrap')) continue;
    const wrap = doc.createElement('div');
    wrap.className = 'table-wrap';
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', 'Table');
    table.replaceWith(wrap);
    wrap.append(table);
  }
}
