// The API the app uses, on this page's own origin, with the person's tokens held in this closure
// only: never in storage, a cookie or the address bar. Reloading or closing the tab forgets them.
"use strict";

(function () {
  const tokens = { access: null, refresh: null };

  // The second sign-in step (TOTP MFA): for an account with MFA on, the login answers
  // {mfa_required: "totp", session} instead of tokens; the code goes to this route with the session.
  const MFA_ROUTE = "/v1/auth/login/mfa";

  class ApiError extends Error {
    constructor(status, code, message, body) {
      super(message);
      this.status = status;
      this.code = code;
      this.body = body;
    }
  }

  class SessionExpired extends Error {}

  async function send(method, path, { body, headers, token } = {}) {
    const init = {
      method,
      headers: Object.assign({ Accept: "application/json" }, headers || {}),
      credentials: "omit", // no cookie is ever sent or kept
      cache: "no-store",
      redirect: "error",
      referrerPolicy: "no-referrer",
    };
    if (token) init.headers.Authorization = "Bearer " + token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, "network", "The service can't be reached. Check your connection and try again.", null);
    }
    let data = null;
    const text = await response.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (error) {
        data = null;
      }
    }
    return { status: response.status, headers: response.headers, data };
  }

  function failure(answer) {
    const error = (answer.data && answer.data.error) || {};
    const message = error.message || (answer.data && answer.data.message) || "Something went wrong (" + answer.status + ").";
    return new ApiError(answer.status, error.code || "http_" + answer.status, message, answer.data);
  }

  // API Gateway's own 401 ({"message": "Unauthorized"}): the token expired or is not valid.
  // Our 401s carry {"error": {...}} (wrong password, account deleted) and are answers, not expiry.
  function tokenRefused(answer) {
    return answer.status === 401 && !(answer.data && answer.data.error);
  }

  function keep(answer) {
    tokens.access = answer.data.access_token;
    if (answer.data.refresh_token) tokens.refresh = answer.data.refresh_token;
  }

  async function refresh() {
    if (!tokens.refresh) return false;
    const answer = await send("POST", "/v1/auth/refresh", { body: { refresh_token: tokens.refresh } });
    if (answer.status !== 200) return false;
    keep(answer);
    return true;
  }

  function forget() {
    tokens.access = null;
    tokens.refresh = null;
  }

  // A signed-in call. A refused token is renewed once with the refresh token (the refused
  // request did nothing: API Gateway answered before any function ran) and the call repeated.
  async function call(method, path, options) {
    if (!tokens.access) throw new SessionExpired("not signed in");
    let answer = await send(method, path, Object.assign({}, options, { token: tokens.access }));
    if (tokenRefused(answer)) {
      if (!(await refresh())) {
        forget();
        throw new SessionExpired("session expired");
      }
      answer = await send(method, path, Object.assign({}, options, { token: tokens.access }));
      if (tokenRefused(answer)) {
        forget();
        throw new SessionExpired("session expired");
      }
    }
    if (answer.data && answer.data.error && answer.data.error.code === "account_deleted") forget();
    if (answer.status >= 400) throw failure(answer);
    return answer;
  }

  function challengeOf(answer) {
    const data = answer.data || {};
    if (answer.status !== 200 || !data.mfa_required) return null;
    return { session: data.session || null, name: data.mfa_required };
  }

  // Sign in: tokens, or a challenge ({session}) that needs a code from the authenticator app.
  async function signIn(email, password) {
    const answer = await send("POST", "/v1/auth/login", { body: { email, password } });
    const challenge = challengeOf(answer);
    if (challenge) return { challenge };
    if (answer.status !== 200) throw failure(answer);
    keep(answer);
    return { signedIn: true };
  }

  async function answerChallenge(email, session, code) {
    const answer = await send("POST", MFA_ROUTE, { body: { email, session, code } });
    if (answer.status !== 200) throw failure(answer);
    keep(answer);
    return { signedIn: true };
  }

  // Public: a deletion receipt needs no token.
  async function publicGet(path) {
    const answer = await send("GET", path);
    if (answer.status >= 400) throw failure(answer);
    return answer;
  }

  window.PrivacyCenter = Object.assign(window.PrivacyCenter || {}, {
    api: {
      get: (path, options) => call("GET", path, options),
      patch: (path, body, options) => call("PATCH", path, Object.assign({ body }, options)),
      delete: (path, body, options) => call("DELETE", path, Object.assign({ body }, options)),
      publicGet,
      signIn,
      answerChallenge,
      signedIn: () => tokens.access !== null,
      forget,
    },
    ApiError,
    SessionExpired,
  });
})();
