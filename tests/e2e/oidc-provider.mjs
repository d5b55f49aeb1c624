// A certified OpenID provider (panva's npm `oidc-provider`, pinned in package.json) on loopback,
// for end-to-end tests that need a provider other than the Google emulator.
//
//   import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';
//   const op = await startOidcProvider({ redirectUris: [`${app.origin}/`] });
//   // config.json: { client_id: op.clientId, issuer: op.issuer, flow: 'code', scopes: [...] }
//   await page.click(...sign in...);
//   await signInAtProvider(page, { login: 'ada' });   // devInteractions login + consent
//   op.log      // every request the provider received (method, path, query, body, headers, status,
//               // and the answer's responseHeaders and responseBody, as sent)
//   op.tokens() // every code, access token, ID token it issued: [{ kind, token }]
//   await op.rotateKeys(); // ID tokens from now on signed with a new RSA key (new kid)
//   op.sign(claims)        // a JWT signed with the provider's current key (for forged ID tokens)
//   await op.stop();
//
// One public client (no secret, PKCE S256 required), response types `code` and `id_token token`,
// revocation and userinfo enabled, accounts made up from the login:
// { sub: login, email: `${login}@example.test`, email_verified: true, name: 'Ada' }.
//
// The provider runs in this process behind one long-lived http.Server bound to 127.0.0.1. Key
// rotation builds a new Provider on the same in-memory storage (sessions, grants, codes and tokens
// issued before survive it) and swaps it in. Its own console notices are dropped unless E2E_DEBUG
// is set. The stylesheet @import of Google Fonts in its HTML pages is removed (no request leaves
// loopback).

import http from 'node:http';
import crypto from 'node:crypto';
import { once } from 'node:events';

const DEBUG = !!process.env.E2E_DEBUG;
export const DEFAULT_CLIENT_ID = 'browser-oauth-e2e';

// ---------------------------------------------------------------------------
// Quiet: oidc-provider writes its notices with console.info/console.warn, prefixed
// "oidc-provider NOTICE:" / "oidc-provider WARNING:" (some wrapped in ANSI colours on a TTY),
// including one at import time on Node 20 ("Unsupported runtime"). Drop exactly those.

let quietInstalled = false;
function installQuiet() {
  if (quietInstalled || DEBUG) return;
  quietInstalled = true;
  const fromProvider = (args) => typeof args[0] === 'string'
    && /^(\x1b\[[0-9;]*m)?oidc-provider (NOTICE|WARNING):/.test(args[0]);
  for (const name of ['info', 'warn']) {
    const orig = console[name].bind(console);
    console[name] = (...args) => { if (!fromProvider(args)) orig(...args); };
  }
}

let providerModule;
async function loadProvider() {
  installQuiet();
  providerModule ||= import('oidc-provider');
  return (await providerModule).default;
}

// ---------------------------------------------------------------------------
// Storage shared by every Provider instance of one startOidcProvider() (survives key rotation).

function epochTime() { return Math.floor(Date.now() / 1000); }

const GRANTABLE = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode',
]);

function sharedMemoryAdapter(store) {
  const get = (k) => {
    const e = store.get(k);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      store.delete(k);
      return undefined;
    }
    return e.value;
  };
  const set = (k, value, expiresIn) => {
    store.set(k, { value, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined });
  };
  return class SharedMemoryAdapter {
    constructor(model) { this.model = model; }

    key(id) { return `${this.model}:${id}`; }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      if (this.model === 'Session') set(`sessionUid:${payload.uid}`, id, expiresIn);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const gk = `grant:${payload.grantId}`;
        const members = get(gk) || new Set();
        members.add(key);
        set(gk, members); // the grant's own expiry is kept by the Grant model
      }
      if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
      set(key, payload, expiresIn);
    }

    async find(id) { return get(this.key(id)); }

    async findByUid(uid) {
      const id = get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const p = get(this.key(id));
      if (p) p.consumed = epochTime();
    }

    async destroy(id) { store.delete(this.key(id)); }

    async revokeByGrantId(grantId) {
      const gk = `grant:${grantId}`;
      for (const k of get(gk) || []) store.delete(k);
      store.delete(gk);
    }
  };
}

// ---------------------------------------------------------------------------
// Keys

function newSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `k-${crypto.randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };
}

const publicJwk = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });

// ---------------------------------------------------------------------------
// Helpers for the request log and the token record

function headersObject(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function parseBody(raw, contentType) {
  if (!raw.length) return undefined;
  const text = raw.toString('utf8');
  const type = (contentType || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type === 'application/json') {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

const TOKEN_FIELDS = { code: 'code', access_token: 'access_token', id_token: 'id_token', refresh_token: 'refresh_token' };

/** The tokens a response hands out: in a redirect's query or fragment, or a JSON body. */
function tokensInResponse(headers, body) {
  const found = [];
  const location = headers.location;
  if (location) {
    try {
      const u = new URL(location, 'http://127.0.0.1');
      for (const params of [u.searchParams, new URLSearchParams(u.hash.slice(1))]) {
        for (const [k, kind] of Object.entries(TOKEN_FIELDS)) {
          const v = params.get(k);
          if (v) found.push({ kind, token: v });
        }
      }
    } catch { /* not a URL */ }
  }
  if (body && /json/.test(headers['content-type'] || '')) {
    try {
      const j = JSON.parse(body);
      if (j && typeof j === 'object') {
        for (const [k, kind] of Object.entries(TOKEN_FIELDS)) {
          if (k !== 'code' && typeof j[k] === 'string') found.push({ kind, token: j[k] });
        }
      }
    } catch { /* not JSON */ }
  }
  return found;
}

const GOOGLE_FONTS_IMPORT = /@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g;

// ---------------------------------------------------------------------------

/**
 * Starts the provider on http://127.0.0.1:<port>/ (port 0: any free port).
 *
 * Options:
 * - redirectUris: the client's redirect URIs (exact match, as Google does); CORS is allowed for
 *   their origins only.
 * - clientId: the public client's id.
 * - applicationType: 'web' (default; exact redirect URI match, http loopback allowed for implicit
 *   through oidc-provider's documented dev-only relaxation) or 'native' (RFC 8252: any port on a
 *   loopback redirect URI is accepted).
 * - conformIdTokenClaims: oidc-provider's default true (an ID token issued with an access token
 *   carries only sub and protocol claims; email and name come from userinfo). false puts the
 *   scope's claims in the ID token too, as Google does.
 * - accessTokenTTL, idTokenTTL: seconds (3600).
 * - refreshTokens: false (default) gives no refresh token, as before. true: the client may use
 *   the refresh_token grant, and every code exchange returns a refresh token (oidc-provider's
 *   issueRefreshToken helper, without its default demand for the offline_access scope).
 * - rotateRefreshToken: true (default): each refresh spends the token and returns a new one; a
 *   spent one presented again is refused (invalid_grant) and revokes the grant (replay detection).
 * - rpInitiatedLogout: false (default) advertises no end_session_endpoint, so sign-out stays in
 *   the app as before; true advertises it, with a confirmation page (a "Yes, sign me out" button)
 *   and the post-logout redirect to the client's redirect URIs (registered as
 *   post_logout_redirect_uris).
 * - dpop: false (default: the discovery document advertises no DPoP, so clients use Bearer),
 *   true (features.dPoP: ES256 proofs accepted, tokens bound when a proof comes with the code),
 *   or { requireNonce: true } (every proof must carry the provider's DPoP-Nonce, RFC 9449 §8/§9).
 * - par: false (default: no pushed_authorization_request_endpoint is advertised, so clients put
 *   the parameters in the authorization URL as before), true (features.pushedAuthorizationRequests
 *   at POST /request: offered, not required) or { required: true }
 *   (requirePushedAuthorizationRequests: the discovery document says
 *   require_pushed_authorization_requests, and the authorization endpoint refuses any request
 *   without a pushed request_uri with invalid_request).
 */
export async function startOidcProvider({
  redirectUris,
  clientId = DEFAULT_CLIENT_ID,
  port = 0,
  applicationType = 'web',
  conformIdTokenClaims = true,
  accessTokenTTL = 3600,
  idTokenTTL = 3600,
  refreshTokens = false,
  rotateRefreshToken = true,
  rpInitiatedLogout = false,
  dpop = false,
  par = false,
} = {}) {
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) {
    throw new Error('startOidcProvider: redirectUris must be a non-empty array');
  }
  const Provider = await loadProvider();

  const store = new Map();
  const Adapter = sharedMemoryAdapter(store);
  const cookieKeys = [crypto.randomBytes(32).toString('base64url')];
  const dpopNonceSecret = crypto.randomBytes(32);
  let keys = [newSigningKey()];
  const log = [];
  const issued = []; // { kind, token, at }
  const serverErrors = [];
  const interceptors = new Set();
  const tamperers = new Set();

  const allowedOrigins = new Set(redirectUris.map((u) => new URL(u).origin));

  const client = {
    client_id: clientId,
    client_name: 'browser-oauth e2e',
    application_type: applicationType,
    token_endpoint_auth_method: 'none',
    redirect_uris: [...redirectUris],
    post_logout_redirect_uris: [...redirectUris],
    response_types: ['code', 'id_token token'],
    grant_types: ['authorization_code', 'implicit', ...(refreshTokens ? ['refresh_token'] : [])],
    id_token_signed_response_alg: 'RS256',
  };

  const configuration = () => ({
    adapter: Adapter,
    clients: [client],
    jwks: { keys },
    cookies: { keys: cookieKeys },
    responseTypes: ['code', 'id_token token'],
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims,
    clockTolerance: 5,
    pkce: { required: () => true },
    ...(refreshTokens ? { issueRefreshToken: async (ctx, c) => c.grantTypeAllowed('refresh_token') } : {}),
    rotateRefreshToken,
    features: {
      devInteractions: { enabled: true },
      // On by default in oidc-provider 9: off unless asked, so the other tests see Bearer.
      dPoP: {
        enabled: !!dpop,
        nonceSecret: dpop?.requireNonce ? dpopNonceSecret : undefined,
        requireNonce: () => !!dpop?.requireNonce,
      },
      // On by default in oidc-provider 9: off unless asked, so the other tests see no PAR.
      pushedAuthorizationRequests: {
        enabled: !!par,
        requirePushedAuthorizationRequests: !!par?.required,
      },
      revocation: { enabled: true, allowedPolicy: async (ctx, c, token) => token.clientId === c.clientId },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: rpInitiatedLogout,
        logoutSource: async (ctx, form) => {
          ctx.body = `<!DOCTYPE html><title>Sign out</title>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`;
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = '<!DOCTYPE html><title>Signed out</title><p>Signed out.</p>'; },
      },
    },
    // Browser requests only from the origins of the client's redirect URIs.
    clientBasedCORS: (ctx, origin, c) => c.clientId === clientId && allowedOrigins.has(origin),
    findAccount: async (ctx, sub) => ({
      accountId: sub,
      async claims() {
        return {
          sub,
          email: `${sub}@example.test`,
          email_verified: true,
          name: sub.charAt(0).toUpperCase() + sub.slice(1),
        };
      },
    }),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!DOCTYPE html><title>oops! something went wrong</title><h1>oops! something went wrong</h1>${
        Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('')}`;
    },
    ttl: {
      AccessToken: accessTokenTTL,
      AuthorizationCode: 60,
      IdToken: idTokenTTL,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
      RefreshToken: 24 * 3600,
    },
  });

  // One long-lived server; its handler is the current Provider's.
  let handler = null;
  const server = http.createServer((req, res) => onRequest(req, res));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = server.address().port;
  const origin = `http://127.0.0.1:${actualPort}`;
  const issuer = origin;

  const build = () => {
    const provider = new Provider(issuer, configuration());
    if (applicationType === 'web') {
      // oidc-provider's documented development-only relaxation: a 'web' client using the implicit
      // grant may register http (and localhost) redirect URIs.
      const { invalidate: orig } = provider.Client.Schema.prototype;
      provider.Client.Schema.prototype.invalidate = function invalidate(message, code) {
        if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
        orig.call(this, message, code);
      };
    }
    provider.on('server_error', (ctx, err) => {
      serverErrors.push({ path: ctx.path, error: err });
      if (DEBUG) process.stderr.write(`[oidc-provider] server_error ${ctx.path}: ${err.stack || err}\n`);
    });
    return provider.callback();
  };
  handler = build();

  async function onRequest(req, res) {
    try {
      await handle(req, res);
    } catch (err) {
      serverErrors.push({ path: req.url, error: err });
      if (DEBUG) process.stderr.write(`[oidc-provider] ${req.method} ${req.url}: ${err.stack || err}\n`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    const chunks = [];
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      for await (const c of req) chunks.push(c);
      // Read here for the log; oidc-provider takes an already read body from req.body.
      req.body = Buffer.concat(chunks);
    }
    const entry = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      url: req.url,
      headers: headersObject(req.headers),
      body: parseBody(req.body || Buffer.alloc(0), req.headers['content-type']),
      status: undefined,
      responseHeaders: undefined,
      responseBody: undefined,
      at: Date.now(),
    };
    log.push(entry);

    for (const fn of interceptors) {
      const answer = await fn(entry);
      if (answer) {
        const body = answer.body === undefined ? ''
          : typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body);
        const headers = {
          ...(typeof answer.body === 'object' && !Buffer.isBuffer(answer.body) ? { 'Content-Type': 'application/json' } : {}),
          ...(answer.headers || {}),
        };
        const reqOrigin = req.headers.origin;
        if (reqOrigin && allowedOrigins.has(reqOrigin)
          && !Object.keys(headers).some((k) => k.toLowerCase() === 'access-control-allow-origin')) {
          headers['Access-Control-Allow-Origin'] = reqOrigin;
        }
        res.writeHead(answer.status || 200, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
        entry.status = res.statusCode;
        entry.responseHeaders = headersObject(res.getHeaders());
        entry.responseBody = String(body);
        entry.intercepted = true;
        return;
      }
    }

    // Let the provider answer; look at (and maybe change) the answer before it is sent. Koa sends
    // a whole string or Buffer with one res.end() and sets headers before that.
    const end = res.end.bind(res);
    res.end = (body, ...rest) => {
      if (typeof body === 'function') { rest.unshift(body); body = undefined; }
      const r = {
        method: entry.method,
        path: entry.path,
        query: entry.query,
        status: res.statusCode,
        headers: { ...res.getHeaders() }, // lower-case names; set-cookie stays an array
        body: body === undefined || body === null ? '' : Buffer.isBuffer(body) ? body.toString('utf8') : String(body),
      };
      for (const t of tokensInResponse(headersObject(r.headers), r.body)) issued.push({ ...t, at: Date.now(), path: entry.path });
      const original = { status: r.status, headers: { ...r.headers }, body: r.body };
      if (/text\/html/.test(r.headers['content-type'] || '')) r.body = r.body.replace(GOOGLE_FONTS_IMPORT, '');
      for (const fn of tamperers) {
        try { fn(r); } catch (err) { serverErrors.push({ path: entry.path, error: err }); }
      }
      if (!res.headersSent) {
        res.statusCode = r.status;
        for (const k of Object.keys(original.headers)) if (!(k in r.headers)) res.removeHeader(k);
        for (const [k, v] of Object.entries(r.headers)) {
          if (JSON.stringify(v) !== JSON.stringify(original.headers[k])) res.setHeader(k, v);
        }
        if (body !== undefined && body !== null && r.body !== original.body) {
          res.setHeader('content-length', Buffer.byteLength(r.body));
        }
      }
      entry.status = res.statusCode;
      entry.responseHeaders = headersObject(res.getHeaders());
      entry.responseBody = r.body;
      if (DEBUG) process.stderr.write(`[oidc-provider] ${entry.method} ${entry.url} -> ${entry.status}\n`);
      const out = body === undefined || body === null ? body : r.body === original.body ? body : r.body;
      return end(out, ...rest);
    };
    handler(req, res);
  }

  const op = {
    issuer,
    origin,
    port: actualPort,
    clientId,
    redirectUris: [...redirectUris],
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    /** Every request received: { method, path, query, url, headers, body, status, responseHeaders, responseBody, at }. */
    log,
    /** Errors the provider reported as server_error (a test would normally assert none). */
    serverErrors,
    /** Every code, access token, ID token (and refresh token) handed out: [{ kind, token, at, path }]. */
    tokens() { return issued.map((t) => ({ ...t })); },
    /** The kid ID tokens are signed with now. */
    get currentKid() { return keys[0].kid; },
    /** A JWT signed RS256 with the provider's current key (kid in its header): a forgery only the test can make. */
    sign(payload) {
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: keys[0].kid })}.${b64(payload)}`;
      const key = crypto.createPrivateKey({ key: keys[0], format: 'jwk' });
      return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    },
    /** The public JWKS the provider publishes. */
    get jwks() { return { keys: keys.map(publicJwk) }; },
    /**
     * From now on ID tokens are signed with a new RSA key (new kid); the JWKS publishes it first and
     * still lists the previous keys. Sessions, grants, codes and tokens survive. Returns the new kid.
     */
    async rotateKeys({ keepOld = true } = {}) {
      const key = newSigningKey();
      keys = keepOld ? [key, ...keys] : [key];
      handler = build();
      return key.kid;
    },
    /**
     * Answer requests instead of the provider: fn(entry) (entry as in `log`, OPTIONS preflights
     * included) returns undefined to let the provider answer, or { status, headers, body } (body:
     * string, Buffer or object → JSON). A request from one of the client's origins gets
     * Access-Control-Allow-Origin unless `headers` set it. Returns a function that removes it.
     */
    intercept(fn) { interceptors.add(fn); return () => interceptors.delete(fn); },
    /**
     * Change the provider's answers: fn(r) with r = { method, path, query, status, headers (lower-case
     * names), body (string) }; mutate r. Tokens are recorded before tampering. Returns a remover.
     */
    tamper(fn) { tamperers.add(fn); return () => tamperers.delete(fn); },
    /** Forget sessions, grants, tokens, the log, the issued record and every interceptor/tamperer. */
    reset() {
      store.clear();
      log.length = 0;
      issued.length = 0;
      serverErrors.length = 0;
      interceptors.clear();
      tamperers.clear();
    },
    /**
     * What the provider stored for an access token it issued (oidc-provider's AccessToken payload:
     * `jkt` is the RFC 7638 thumbprint of the DPoP key it is bound to, its `cnf.jkt`), or undefined.
     */
    accessTokenRecord(token) { return store.get(`AccessToken:${token}`)?.value; },
    /** signInAtProvider bound to this provider's origin. */
    signIn(page, opts = {}) { return signInAtProvider(page, { ...opts, origin }); },
    async stop() {
      if (!server.listening) return;
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
    },
  };
  return op;
}

// ---------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function promptOf(page) {
  try {
    const forms = page.locator('form input[name=prompt]');
    if ((await forms.count()) === 0) return null;
    return await forms.first().getAttribute('value', { timeout: 1000 });
  } catch {
    return null; // navigating
  }
}

/**
 * Goes through oidc-provider's devInteractions pages in `page`: the login form (any login and
 * password are accepted; the login becomes `sub`), then the consent page ("Continue", or
 * "[ Cancel ]" when consent is false, which sends error=access_denied to the redirect URI). A page
 * that is skipped (existing session or grant) is fine. Returns the URL the tab lands on once it has
 * left the provider's origin (`origin` if given, else the origin of the first provider page shown).
 *
 * Call it right after the action that starts the sign-in. When the provider may show no page at all
 * (a session and a grant already exist) and `origin` is given, start it before that action
 * (`const done = signInAtProvider(page, { origin }); await click(); await done;`) so the redirect
 * through the provider is not missed.
 */
export async function signInAtProvider(page, {
  login = 'ada', password = 'secret', consent = true, origin, timeout = 15_000,
} = {}) {
  const deadline = Date.now() + timeout;
  let opOrigin = origin || null;
  // `seen`: the tab has gone to the provider (a redirect through it counts). `landed`: the URL of
  // the first main-frame commit off the provider after that.
  let seen = false;
  let landed = null;
  const isOp = (url) => { try { return new URL(url).origin === opOrigin; } catch { return false; } };
  const onRequest = (req) => {
    try {
      if (opOrigin && req.isNavigationRequest() && req.frame() === page.mainFrame() && isOp(req.url())) {
        seen = true;
        landed = null;
      }
    } catch { /* ignore */ }
  };
  const onNavigated = (frame) => {
    if (frame !== page.mainFrame()) return;
    const url = frame.url();
    if (opOrigin && isOp(url)) { seen = true; landed = null; } else if (seen && !landed && !url.startsWith('about:')) landed = url;
  };
  page.on('request', onRequest);
  page.on('framenavigated', onNavigated);
  let lastActed = null; // `${url} ${prompt}` of the last form submitted
  try {
    while (Date.now() < deadline) {
      if (landed) return landed;
      const prompt = await promptOf(page);
      if (prompt && !opOrigin) {
        opOrigin = new URL(page.url()).origin;
        seen = true;
      }
      const here = `${page.url()} ${prompt}`;
      if (prompt && isOp(page.url()) && here !== lastActed) {
        lastActed = here;
        if (prompt === 'login') {
          await page.fill('input[name=login]', login);
          await page.fill('input[name=password]', password);
          await page.click('form button[type=submit]');
        } else if (prompt === 'consent') {
          if (consent) await page.click('form button[type=submit]');
          else await page.click('.login-help a[href$="/abort"]');
        } else {
          throw new Error(`signInAtProvider: unexpected prompt ${prompt} at ${page.url()}`);
        }
        continue;
      }
      await sleep(50);
    }
  } finally {
    page.off('request', onRequest);
    page.off('framenavigated', onNavigated);
  }
  let text = '';
  try { text = (await page.locator('body').innerText({ timeout: 1000 })).slice(0, 500); } catch { /* ignore */ }
  throw new Error(`signInAtProvider: still at ${page.url()} after ${timeout} ms\n${text}`);
}
