// Modal dialogs built on <dialog>: the browser keeps focus inside, Escape closes, focus returns where it was.

/**
 * Asks for the access token. Several requests may be refused at once: they share one dialog.
 * @returns {(context: {rejected: boolean}) => Promise<string|null>}
 */
export function createTokenPrompt(dialog) {
  const form = dialog.querySelector('form');
  const input = dialog.querySelector('input');
  const error = dialog.querySelector('#token-error');
  const cancel = dialog.querySelector('#token-cancel');
  let pending = null;

  cancel.addEventListener('click', () => dialog.close('cancel'));

  function ask({ rejected }) {
    return new Promise((resolve) => {
      const returnFocus = dialog.ownerDocument.activeElement;
      error.hidden = !rejected;
      input.value = '';
      input.setAttribute('aria-invalid', String(rejected));
      if (rejected) input.setAttribute('aria-errormessage', 'token-error');
      else input.removeAttribute('aria-errormessage');

      const onSubmit = (event) => {
        if (input.value.trim() === '') {
          event.preventDefault();
          input.focus();
        }
      };
      form.addEventListener('submit', onSubmit);
      dialog.addEventListener('close', () => {
        form.removeEventListener('submit', onSubmit);
        const token = dialog.returnValue === 'ok' ? input.value.trim() : '';
        input.value = '';
        if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
        resolve(token || null);
      }, { once: true });
      dialog.returnValue = '';
      dialog.showModal();
      input.focus();
    });
  }

  return (context) => {
    if (!pending) pending = ask(context).finally(() => { pending = null; });
    return pending;
  };
}

/** Asks to confirm a destructive action; resolves true when confirmed. */
export function createConfirm(dialog) {
  const text = dialog.querySelector('.dialog__text');
  const title = dialog.querySelector('.dialog__title');
  const accept = dialog.querySelector('#confirm-accept');
  return ({ heading, message, confirmLabel }) => new Promise((resolve) => {
    const returnFocus = dialog.ownerDocument.activeElement;
    title.textContent = heading;
    text.textContent = message;
    accept.textContent = confirmLabel;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => {
      if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
      resolve(dialog.returnValue === 'confirm');
    }, { once: true });
    dialog.showModal();
  });
}
