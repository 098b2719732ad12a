// The signed-out screen and the signed-in name, on the real index.html in jsdom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { createAccountView, displayName } from '../src/js/account-view.js';
import { partialNote } from '../src/js/partial-answers.js';

const html = readFileSync(new URL('../src/index.html', import.meta.url), 'utf8');

function accountPage() {
  const { window } = new JSDOM(html);
  const { document } = window;
  const $ = (id) => document.getElementById(id);
  const asked = [];
  const view = createAccountView({
    app: $('app'), screen: $('signin'), screenText: $('signin-text'), screenError: $('signin-error'), signInButton: $('sign-in'),
    account: $('account'), accountName: $('account-name'), signOutButton: $('sign-out'), chatOnly: [document.querySelector('.skip-link')],
    onSignIn: () => asked.push('sign in'), onSignOut: () => asked.push('sign out'),
  });
  return { document, $, view, asked };
}

test('the page starts as the chat with no account shown (open and shared-token modes change nothing)', () => {
  const { $ } = accountPage();
  assert.equal($('app').hidden, false);
  assert.equal($('signin').hidden, true);
  assert.equal($('account').hidden, true);
});

test('signed out: only the sign-in screen shows, with focus on its button; a failed sign-in says why', () => {
  const { $, document, view, asked } = accountPage();
  view.showSignedOut();
  assert.equal($('app').hidden, true);
  assert.equal(document.querySelector('.skip-link').hidden, true, 'no skip link to a hidden message box');
  assert.equal($('signin').hidden, false);
  assert.equal($('signin-error').hidden, true);
  assert.equal(document.activeElement, $('sign-in'));
  assert.equal(document.title, 'Sign in — Bedrock Chat');
  $('sign-in').click();
  assert.deepEqual(asked, ['sign in']);
  assert.equal($('sign-in').disabled, true, 'one click, one redirect');

  view.showSignedOut({ error: 'The ID token was not issued for this sign-in (nonce mismatch). Sign in again.' });
  assert.equal($('signin-error').hidden, false);
  assert.equal($('signin-error').getAttribute('role'), 'alert');
  assert.equal($('signin-error').textContent, 'Sign-in failed. The ID token was not issued for this sign-in (nonce mismatch). Sign in again.');
  assert.equal($('sign-in').disabled, false);
});

test('signing in shows that it is happening; signed in shows the chat, the name and Sign out', () => {
  const { $, view, asked } = accountPage();
  view.showSigningIn();
  assert.equal($('signin-text').textContent, 'Signing you in…');
  assert.equal($('signin').getAttribute('aria-busy'), 'true');
  assert.equal($('sign-in').hidden, true);
  view.showSignedIn({ kind: 'oidc', id: 'u-1', name: 'Ada Lovelace', email: 'ada@example.test' });
  assert.equal($('app').hidden, false);
  assert.equal($('signin').hidden, true);
  assert.equal($('account').hidden, false);
  assert.equal($('account-name').textContent, 'Ada Lovelace');
  assert.equal($('account').textContent.replace(/\s+/g, ' ').trim(), 'Signed in as Ada Lovelace Sign out');
  $('sign-out').click();
  assert.deepEqual(asked, ['sign out']);
});

test('the name shown is the principal’s name, else its e-mail', () => {
  assert.equal(displayName({ name: 'Ada', email: 'ada@example.test' }), 'Ada');
  assert.equal(displayName({ name: ' ', email: 'ada@example.test' }), 'ada@example.test');
  assert.equal(displayName({ id: 'u-1' }), 'Signed in');
  assert.equal(displayName(null), 'Signed in');
});

test('partial answers say why the server cut them off, in words, for each reason it gives', () => {
  assert.equal(partialNote('client_disconnected'), 'Answer cut off: it was stopped before it finished');
  assert.equal(partialNote('answer_timeout'), 'Answer cut off: it took longer than an answer may take');
  assert.equal(partialNote('model_timeout'), 'Answer cut off: the model took too long');
  assert.equal(partialNote('model_error'), 'Answer cut off: the model stopped with an error');
  assert.equal(partialNote('max_tokens'), 'Answer cut off: it reached the length limit');
});

test('partial answers with a reason the server does not name yet still say why, in words', () => {
  assert.equal(partialNote('ModelTimeout'), 'Answer cut off: the model took too long');
  assert.equal(partialNote('client_disconnected'), 'Answer cut off: it was stopped before it finished');
  assert.equal(partialNote('stopped'), 'Answer cut off: it was stopped before it finished');
  assert.equal(partialNote('Throttled'), 'Answer cut off: too many requests');
  assert.equal(partialNote('max_tokens'), 'Answer cut off: it reached the length limit');
  assert.equal(partialNote('ModelError'), 'Answer cut off: the model stopped with an error');
  assert.equal(partialNote('the_server_restarted'), 'Answer cut off: the server restarted');
  assert.equal(partialNote(undefined), 'Answer cut off before it finished');
  assert.equal(partialNote(''), 'Answer cut off before it finished');
});
