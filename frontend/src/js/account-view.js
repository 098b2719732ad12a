// Who is signed in: the signed-out screen (with its Sign in button and why a sign-in failed), the "signing you
// in" moment, and the name and Sign out button in the sidebar once signed in.

/** The name to show for a principal of GET /api/me: its name, else its e-mail. */
export function displayName(principal) {
  const name = typeof principal?.name === 'string' ? principal.name.trim() : '';
  if (name) return name;
  const email = typeof principal?.email === 'string' ? principal.email.trim() : '';
  return email || 'Signed in';
}

/**
 * @param {object} parts
 * @param {HTMLElement} parts.app the chat (hidden while signed out)
 * @param {HTMLElement} parts.screen the signed-out screen
 * @param {HTMLElement} parts.screenText
 * @param {HTMLElement} parts.screenError
 * @param {HTMLButtonElement} parts.signInButton
 * @param {HTMLElement} parts.account the signed-in area of the sidebar
 * @param {HTMLElement} parts.accountName
 * @param {HTMLButtonElement} parts.signOutButton
 * @param {HTMLElement[]} [parts.chatOnly] more elements that only make sense with the chat (the skip link)
 */
export function createAccountView({ app, screen, screenText, screenError, signInButton, account, accountName, signOutButton, chatOnly = [], onSignIn, onSignOut }) {
  const doc = screen.ownerDocument;
  const intro = screenText.textContent;

  function showChat(visible) {
    app.hidden = !visible;
    for (const element of chatOnly) element.hidden = !visible;
    screen.hidden = visible;
  }

  signInButton.addEventListener('click', () => {
    signInButton.disabled = true;
    screen.setAttribute('aria-busy', 'true');
    onSignIn();
  });
  signOutButton.addEventListener('click', () => {
    signOutButton.disabled = true;
    onSignOut();
  });

  return {
    /** The signed-out screen; `error` says why the last sign-in did not work. */
    showSignedOut({ error } = {}) {
      showChat(false);
      account.hidden = true;
      screen.removeAttribute('aria-busy');
      screenText.textContent = intro;
      screenError.hidden = !error;
      screenError.textContent = error ? `Sign-in failed. ${error}` : '';
      signInButton.hidden = false;
      signInButton.disabled = false;
      doc.title = 'Sign in — Bedrock Chat';
      signInButton.focus();
    },
    /** Back from the provider, while the code is exchanged. */
    showSigningIn() {
      showChat(false);
      screen.setAttribute('aria-busy', 'true');
      screenText.textContent = 'Signing you in…';
      screenError.hidden = true;
      signInButton.hidden = true;
    },
    /** The chat, with the person's name and Sign out (in OIDC mode). */
    showSignedIn(principal) {
      showChat(true);
      screen.removeAttribute('aria-busy');
      account.hidden = false;
      accountName.textContent = displayName(principal);
      signOutButton.disabled = false;
    },
  };
}
