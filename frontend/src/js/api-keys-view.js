// The "API keys" panel of a signed-in person: create a key for a program (shown once, with a copy button and a
// warning), list the live ones (name, prefix, dates) and revoke one after a confirmation. The server keeps only a
// hash of each key, so a key that was not copied when it was created cannot be shown again.

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** A date of the API (ISO-8601) for people; `fallback` when there is none. */
export function shownDate(iso, fallback = 'never') {
  if (typeof iso !== 'string' || iso === '') return fallback;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? fallback : DATE.format(new Date(time));
}

/**
 * @param {object} parts
 * @param {HTMLDialogElement} parts.dialog the panel (index.html's #keys-dialog)
 * @param {HTMLButtonElement} parts.openButton opens it (shown only for a signed-in person)
 * @param {{apiKeys(): Promise<{keys: object[]}>, createApiKey(name: string): Promise<object>, revokeApiKey(id: string): Promise<void>}} parts.api
 * @param {(question: {heading: string, message: string, confirmLabel: string}) => Promise<boolean>} parts.confirm
 * @param {(text: string) => Promise<boolean>} parts.copy
 * @param {(text: string) => void} parts.announce
 * @param {(error: unknown) => string} parts.describe a sentence for an error of the API
 * @param {string} parts.baseUrl what programs use as the OpenAI base URL (this deployment's `/v1`)
 */
export function createApiKeysView({ dialog, openButton, api, confirm, copy, announce, describe, baseUrl }) {
  const $ = (selector) => dialog.querySelector(selector);
  const form = $('#key-form');
  const nameInput = $('#key-name');
  const createButton = $('#key-create');
  const created = $('#key-created');
  const createdValue = $('#key-created-value');
  const copyButton = $('#key-copy');
  const error = $('#key-error');
  const list = $('#key-list');
  const empty = $('#key-empty');
  const closeButton = $('#key-close');
  $('#key-base-url').textContent = baseUrl;
  let returnFocus = null;

  function showError(message) {
    error.hidden = !message;
    error.textContent = message ?? '';
  }

  function forgetCreatedKey() {
    createdValue.value = '';
    created.hidden = true;
  }

  function render(keys) {
    list.replaceChildren(...keys.map((key) => {
      const item = dialog.ownerDocument.createElement('li');
      item.className = 'key-item';
      item.dataset.keyId = key.id;
      const about = dialog.ownerDocument.createElement('div');
      about.className = 'key-item__about';
      const name = dialog.ownerDocument.createElement('span');
      name.className = 'key-item__name';
      name.textContent = key.name;
      const details = dialog.ownerDocument.createElement('span');
      details.className = 'key-item__details';
      details.textContent = `${key.prefix}… · created ${shownDate(key.createdAt, 'at an unknown time')} · last used ${shownDate(key.lastUsedAt)}`;
      about.append(name, details);
      const revoke = dialog.ownerDocument.createElement('button');
      revoke.type = 'button';
      revoke.className = 'button button--small';
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke the key “${key.name}”`);
      revoke.addEventListener('click', () => revokeKey(key));
      item.append(about, revoke);
      return item;
    }));
    empty.hidden = keys.length > 0;
  }

  async function load() {
    try {
      const { keys } = await api.apiKeys();
      render(Array.isArray(keys) ? keys : []);
    } catch (failure) {
      showError(`Could not load your keys. ${describe(failure)}`);
    }
  }

  async function revokeKey(key) {
    const sure = await confirm({
      heading: 'Revoke this key?',
      message: `Programs that use “${key.name}” (${key.prefix}…) stop working at once. This cannot be undone.`,
      confirmLabel: 'Revoke',
    });
    if (!sure) return;
    showError('');
    try {
      await api.revokeApiKey(key.id);
      announce(`The key “${key.name}” was revoked.`);
    } catch (failure) {
      showError(`Could not revoke the key. ${describe(failure)}`);
    }
    await load();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (name === '') {
      nameInput.focus();
      return;
    }
    showError('');
    forgetCreatedKey();
    createButton.disabled = true;
    try {
      const key = await api.createApiKey(name);
      createdValue.value = key.key;
      created.hidden = false;
      nameInput.value = '';
      createdValue.focus();
      createdValue.select?.();
      announce(`The key “${key.name}” was created. Copy it now: it is not shown again.`);
      await load();
    } catch (failure) {
      showError(`Could not create the key. ${describe(failure)}`);
    } finally {
      createButton.disabled = false;
    }
  });

  copyButton.addEventListener('click', async () => {
    const copied = await copy(createdValue.value);
    copyButton.textContent = copied ? 'Copied' : 'Copy failed';
    announce(copied ? 'The key is on the clipboard.' : 'Could not copy the key: select it and copy it by hand.');
  });

  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    // The key leaves the page with the panel: it is shown once.
    forgetCreatedKey();
    copyButton.textContent = 'Copy';
    if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
  });

  openButton.addEventListener('click', () => {
    returnFocus = dialog.ownerDocument.activeElement;
    showError('');
    forgetCreatedKey();
    dialog.showModal();
    nameInput.focus();
    load();
  });

  return {
    /** Offers the panel (a signed-in person, in OIDC mode). */
    enable() {
      openButton.hidden = false;
    },
    /** Loads the list again (as the panel does when it opens). */
    refresh: load,
  };
}
