// The OpenID Connect protocol of the page, a public client: the authorization code flow with PKCE (S256), the
// token exchange, the refresh grant and the logout address. It keeps only the pending request (state, nonce,
// code_verifier) in this tab's sessionStorage; what to do with the tokens is the session's business.
import { codeChallenge, createCodeVerifier, randomValue } from './pkce.js';
import { audienceIncludes, decodeJwtPayload } from './id-token.js';
import { createTabValue } from './tab-storage.js';

export const PENDING_KEY = 'bedrock-chat.sign-in.pending';

/** A sign-in that could not be completed; `message` says why in words, `reason` names the failed check. */
export class SignInError extends Error {
  constructor(message, { reason, network = false, cause } = {}) {
    super(message, { cause });
    this.name = 'SignInError';
    this.reason = reason;
    /** The sign-in service could not be reached (as opposed to refusing). */
    this.network = network;
  }
}

const AGAIN = 'Sign in again.';

/**
 * @param {object} options
 * @param {{issuer: string, clientId: string, authorizationEndpoint: string, tokenEndpoint: string, scopes?: string[],
 *   logout?: {url: string, style: 'oidc'|'cognito'}}} options.config the answer of GET /api/auth/config
 * @param {string} options.redirectUri where the provider sends the person back: the page root
 * @param {typeof fetch} [options.fetch]
 * @param {Crypto} [options.crypto]
 * @param {Storage|undefined} options.storage sessionStorage
 */
export function createOidcClient({ config, redirectUri, fetch = globalThis.fetch.bind(globalThis), crypto = globalThis.crypto, storage }) {
  const pending = createTabValue(storage, PENDING_KEY);
  const scopes = Array.isArray(config.scopes) && config.scopes.length > 0 ? config.scopes : ['openid', 'email', 'profile'];

  function readPending() {
    try {
      const value = JSON.parse(pending.get() ?? 'null');
      return value && typeof value.state === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  /** Posts a form to the token endpoint; resolves to the token set, or throws a SignInError. */
  async function tokenRequest(fields, what) {
    let response;
    try {
      response = await fetch(config.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(fields).toString(),
        credentials: 'omit',
      });
    } catch (error) {
      throw new SignInError(`The sign-in service could not be reached for ${what}. Check your connection.`, { reason: 'network', network: true, cause: error });
    }
    let body;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const code = typeof body?.error === 'string' ? body.error : `http_${response.status}`;
      const detail = typeof body?.error_description === 'string' && body.error_description.trim() !== '' ? ` (${body.error_description.trim()})` : '';
      throw new SignInError(`The sign-in service refused ${what}: ${code}${detail}. ${AGAIN}`, { reason: code });
    }
    if (typeof body?.id_token !== 'string') {
      throw new SignInError(`The sign-in service answered ${what} without an ID token. ${AGAIN}`, { reason: 'missing_id_token' });
    }
    let claims;
    try {
      claims = decodeJwtPayload(body.id_token);
    } catch {
      throw new SignInError(`The ID token from the sign-in service could not be read. ${AGAIN}`, { reason: 'malformed_id_token' });
    }
    if (!audienceIncludes(claims, config.clientId)) {
      throw new SignInError(`The ID token was issued for another application (audience mismatch). ${AGAIN}`, { reason: 'wrong_audience' });
    }
    const expiresAt = Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
    const issuedAt = Number.isFinite(claims.iat) ? claims.iat * 1000 : undefined;
    return {
      claims,
      tokens: {
        idToken: body.id_token,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : fields.refresh_token,
        expiresAt,
        issuedAt,
      },
    };
  }

  return {
    /**
     * Builds the authorization request and remembers what its answer must match (one pending request per tab).
     * `returnTo` (a location hash) is where the page goes once signed in.
     */
    async authorizationUrl({ returnTo = '' } = {}) {
      if (!crypto?.subtle) {
        // Browsers offer Web Crypto's digest only to secure pages, and PKCE needs it.
        throw new SignInError('Signing in needs the page on a secure address (HTTPS, or localhost for a local run).', { reason: 'insecure_context' });
      }
      const state = randomValue(crypto);
      const nonce = randomValue(crypto);
      const verifier = createCodeVerifier(crypto);
      const url = new URL(config.authorizationEndpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', scopes.join(' '));
      url.searchParams.set('state', state);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('code_challenge', await codeChallenge(verifier, crypto));
      url.searchParams.set('code_challenge_method', 'S256');
      pending.set(JSON.stringify({ state, nonce, verifier, returnTo }));
      return url.toString();
    },

    /** The authorization answer in a page address (`?code=&state=` or `?error=`), or null when it carries none. */
    callbackParams(address) {
      const params = new URL(address).searchParams;
      if (!params.has('code') && !params.has('error')) return null;
      return { code: params.get('code'), state: params.get('state'), error: params.get('error'), errorDescription: params.get('error_description') };
    },

    /**
     * Completes the sign-in from the authorization answer: checks state, exchanges the code (with the verifier),
     * checks the ID token's nonce. The pending request is used once, whatever the outcome.
     * @returns {Promise<{tokens: {idToken, refreshToken, expiresAt, issuedAt}, returnTo: string}>}
     */
    async completeSignIn({ code, state, error, errorDescription }) {
      const request = readPending();
      pending.clear();
      if (error) {
        const detail = errorDescription ? `${error} (${errorDescription})` : error;
        throw new SignInError(`The sign-in service did not sign you in: ${detail}. ${AGAIN}`, { reason: error });
      }
      if (!request) {
        throw new SignInError(`This tab has no sign-in in progress, so the answer cannot be checked (it may have been used already). ${AGAIN}`,
          { reason: 'no_pending_request' });
      }
      if (!state || state !== request.state) {
        throw new SignInError(`The answer from the sign-in service does not belong to the sign-in this page started (state mismatch). ${AGAIN}`,
          { reason: 'state_mismatch' });
      }
      if (!code) throw new SignInError(`The sign-in service answered without a code. ${AGAIN}`, { reason: 'missing_code' });
      const { claims, tokens } = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: request.verifier,
      }, 'the sign-in code');
      if (claims.nonce !== request.nonce) {
        throw new SignInError(`The ID token was not issued for this sign-in (nonce mismatch). ${AGAIN}`, { reason: 'nonce_mismatch' });
      }
      return { tokens, returnTo: typeof request.returnTo === 'string' ? request.returnTo : '' };
    },

    /** New tokens for a refresh token; a refresh answer without a new refresh token keeps the old one. */
    async refresh(refreshToken) {
      const { tokens } = await tokenRequest({ grant_type: 'refresh_token', client_id: config.clientId, refresh_token: refreshToken }, 'the session refresh');
      return tokens;
    },

    /** Where signing out sends the browser (the provider's logout), or null when the provider has none. */
    logoutUrl({ idToken, origin }) {
      if (!config.logout?.url) return null;
      const url = new URL(config.logout.url);
      url.searchParams.set('client_id', config.clientId);
      if (config.logout.style === 'cognito') {
        url.searchParams.set('logout_uri', `${origin}/`);
      } else {
        url.searchParams.set('post_logout_redirect_uri', `${origin}/`);
        if (idToken) url.searchParams.set('id_token_hint', idToken);
      }
      return url.toString();
    },

    /** Forgets a pending request (signing out). */
    forgetPending: () => pending.clear(),
  };
}
