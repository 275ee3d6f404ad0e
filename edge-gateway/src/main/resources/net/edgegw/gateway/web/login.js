'use strict';
(function () {
  const form = document.getElementById('login-form');
  const errorBox = document.getElementById('login-error');
  const button = document.getElementById('login-submit');
  const params = new URLSearchParams(window.location.search);

  /** Where to go after signing in: the page that sent the browser here, if it is one of ours. */
  function next() {
    const n = params.get('next') || '/';
    try {
      // resolved the way the browser will resolve it (it drops tabs and newlines, reads '\\' as '/'):
      // only a page of this origin is followed
      const u = new URL(n, window.location.origin);
      if (u.origin !== window.location.origin || u.pathname.startsWith('/login')) {
        return '/';
      }
      return u.pathname + u.search + u.hash;
    } catch (e) {
      return '/';
    }
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  if (params.get('error') === 'invalid') {
    showError('Invalid username or password.');
  } else if (params.get('error') === 'locked') {
    showError('Too many failed attempts. Try again in ' + (params.get('retry') || '60') + ' s.');
  }

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    try {
      const body = new URLSearchParams(new FormData(form));
      const resp = await fetch('/login', {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: {'Accept': 'application/json'}
      });
      if (resp.ok) {
        window.location.replace(next());
        return;
      }
      if (resp.status === 429) {
        showError('Too many failed attempts. Try again in ' + (resp.headers.get('Retry-After') || '60') + ' s.');
      } else if (resp.status === 401) {
        showError('Invalid username or password.');
      } else if (resp.status === 503) {
        window.location.replace('/');
      } else {
        showError('Sign-in failed (HTTP ' + resp.status + ').');
      }
    } catch (e) {
      showError('The gateway cannot be reached.');
    } finally {
      button.disabled = false;
    }
  });
})();
