// The signed-in session in OIDC mode: the tokens (in memory and this tab's sessionStorage, never localStorage),
// their silent refresh shortly before the ID token expires, and the way back to the provider when the session
// ends (a refused refresh, a 401 mid-session, signing out). It is the API client's credentials in this mode:
// every call carries the ID token as X-Chat-Token.
import { createTabValue } from './tab-storage.js';

export const TOKENS_KEY = 'bedrock-chat.sign-in.tokens';

/** Refresh this long before the ID token expires (or at 80 % of a shorter lifetime). */
export const REFRESH_MARGIN_MS = 60_000;
/** After the sign-in service could not be reached for a refresh, try again this much later. */
export const REFRESH_RETRY_MS = 15_000;

/** When to refresh tokens that expire at `expiresAt` (and were issued at `issuedAt`, when known). */
export function refreshTime({ expiresAt, issuedAt }) {
  const lifetime = Number.isFinite(issuedAt) ? expiresAt - issuedAt : Infinity;
  return expiresAt - Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetime) * 0.2);
}

/**
 * @param {object} options
 * @param {ReturnType<import('./oidc-client.js').createOidcClient>} options.client
 * @param {Storage|undefined} options.storage sessionStorage
 * @param {(url: string) => void} options.navigate sends the browser to the provider
 * @param {() => string} [options.returnTo] the location hash to come back to after signing in again
 * @param {() => void} [options.beforeRedirect] called right before the page leaves to sign in again (keeps the draft)
 * @param {(error: Error) => void} [options.onSignInFailed] signing in again could not even start (no Web Crypto)
 * @param {string} options.origin the page's origin, for the logout address
 * @param {{setTimeout: Function, clearTimeout: Function}} [options.timers]
 * @param {() => number} [options.now]
 */
export function createOidcSession({
  client, storage, navigate, returnTo = () => '', beforeRedirect = () => {}, onSignInFailed = () => {}, origin,
  timers = globalThis, now = () => Date.now(),
}) {
  const stored = createTabValue(storage, TOKENS_KEY);
  let tokens = read();
  let timer = null;
  let refreshing = null;
  let leaving = false;

  function read() {
    try {
      const value = JSON.parse(stored.get() ?? 'null');
      return value && typeof value.idToken === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  function save(next) {
    tokens = next;
    stored.set(JSON.stringify({
      idToken: next.idToken,
      refreshToken: next.refreshToken,
      expiresAt: next.expiresAt,
      issuedAt: next.issuedAt,
    }));
    schedule();
  }

  function forget() {
    tokens = null;
    stored.clear();
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }

  const expired = () => tokens !== null && Number.isFinite(tokens.expiresAt) && now() >= tokens.expiresAt;

  function schedule(delay) {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (!tokens?.refreshToken || !Number.isFinite(tokens.expiresAt)) return;
    const wait = delay ?? Math.max(0, refreshTime(tokens) - now());
    timer = timers.setTimeout(() => {
      timer = null;
      refresh();
    }, wait);
  }

  /** Refreshes the tokens (one refresh at a time); resolves true when the session goes on. */
  function refresh() {
    if (refreshing) return refreshing;
    if (!tokens?.refreshToken) return Promise.resolve(false);
    refreshing = client.refresh(tokens.refreshToken)
      .then((next) => {
        save(next);
        return true;
      })
      .catch((error) => {
        if (error?.network && !expired()) {
          schedule(REFRESH_RETRY_MS); // the provider may be back in a moment; the token still works meanwhile
          return true;
        }
        signInAgain();
        return false;
      })
      .finally(() => { refreshing = null; });
    return refreshing;
  }

  async function redirectToSignIn() {
    navigate(await client.authorizationUrl({ returnTo: returnTo() }));
  }

  /** The session has ended: keep what the person was typing, then go through the provider again (once). */
  async function signInAgain() {
    if (leaving) return;
    leaving = true;
    forget();
    let url;
    try {
      url = await client.authorizationUrl({ returnTo: returnTo() });
    } catch (error) {
      leaving = false;
      onSignInFailed(error);
      return;
    }
    beforeRedirect();
    navigate(url);
  }

  return {
    get signedIn() { return tokens !== null; },

    /**
     * Picks up the session this tab already has (a reload); an expired ID token is refreshed first.
     * Resolves true when signed in.
     */
    async resume() {
      if (!tokens) return false;
      if (!expired()) {
        schedule();
        return true;
      }
      if (!tokens.refreshToken) {
        forget();
        return false;
      }
      return refresh();
    },

    /** Completes a sign-in from the provider's answer; resolves to the location hash to return to. */
    async completeSignIn(params) {
      const { tokens: next, returnTo: back } = await client.completeSignIn(params);
      save(next);
      return back;
    },

    /** Starts signing in (the page leaves for the provider). */
    signIn: redirectToSignIn,
    signInAgain,

    /** Forgets the tokens, then leaves for the provider's logout; resolves to false when it has none. */
    signOut() {
      const url = client.logoutUrl({ idToken: tokens?.idToken, origin });
      forget();
      client.forgetPending();
      if (!url) return false;
      leaving = true;
      navigate(url);
      return true;
    },

    // ---- Credentials of the API client ----

    /** The ID token for the next call; a token that has already expired is refreshed first (a tab that slept). */
    async token() {
      if (tokens && expired() && tokens.refreshToken) await refresh();
      return tokens?.idToken ?? '';
    },

    /** The API answered 401 mid-session (expired, revoked): sign in again; the call is not retried. */
    async refused() {
      await signInAgain();
      return false;
    },
  };
}
