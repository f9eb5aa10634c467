/*! statuscast banner SDK: <statuscast-banner app="shop"></statuscast-banner>
 * Shows the incident and maintenance banners statuscast-banner holds for this
 * app and page, live over Server-Sent Events, with a JSON snapshot fallback.
 * Attributes: app (required), path (default location.pathname), src (the
 * banner service; default the origin this script came from), poll-interval
 * and stream-timeout (seconds). Plain JavaScript, no dependencies.
 * Screen readers hear each banner once, from one of two live regions that
 * exist before anything is said (polite; assertive for critical), and again
 * when a showing banner's text changes. When the focused banner goes
 * (dismissed, resolved), focus moves to the next banner's close button; after
 * the last one, back to where it was before the banner, else to the next
 * focusable element after it. */
(function () {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || customElements.get('statuscast-banner')) return;
  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : '';
  var STORE = 'statuscast.dismissed';
  var LABELS = { info: 'Notice', maintenance: 'Maintenance', minor: 'Degraded service',
    major: 'Service disruption', critical: 'Major outage' };
  var CSS =
    // No :host([hidden]){display:none}: the live regions must stay in the
    // accessibility tree while nothing shows (the empty host has no height).
    ':host{display:block}' +
    '.b{display:flex;align-items:center;gap:.75em;padding:.6em 1em;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;border-bottom:1px solid rgba(0,0,0,.2)}' +
    '.t{flex:1}.l{font-weight:700;margin-right:.5em}a{color:inherit;font-weight:600;text-decoration:underline}' +
    'button{flex:none;font:inherit;font-size:1.3em;line-height:1;width:1.8em;height:1.8em;border:0;border-radius:4px;background:transparent;color:inherit;cursor:pointer}' +
    'button:hover{background:rgba(0,0,0,.15)}a:focus-visible,button:focus-visible{outline:3px solid currentColor;outline-offset:2px}' +
    '.critical{background:#a0171c;color:#fff}.major{background:#b23c00;color:#fff}.minor{background:#fde68a;color:#3b2a00}' +
    '.maintenance{background:#1f4e8c;color:#fff}.info{background:#e6eefc;color:#0b2a5b}' +
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';

  function dismissed() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function level(b) {
    var l = String(b.level || '').replace('BANNER_LEVEL_', '').toLowerCase();
    return LABELS[l] ? l : 'info';
  }
  function safeLink(u) { return /^https?:\/\//i.test(u || '') ? u : ''; }
  function jitter(ms) { return ms * (0.5 + Math.random()); }

  class StatuscastBanner extends HTMLElement {
    static get observedAttributes() { return ['app', 'path', 'src']; }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: 'open' });
      this._root.innerHTML = '<style>' + CSS + '</style><div class="sr" role="status"></div>' +
        '<div class="sr" role="alert"></div><div></div>';
      this._polite = this._root.children[1];
      this._loud = this._root.children[2];
      this._box = this._root.children[3];
      var self = this;
      // Where focus came from, to return it there after the last dismissal.
      this.addEventListener('focusin', function (e) { if (e.relatedTarget !== self) self._prev = e.relatedTarget; });
      this._set = null; this._version = '0'; this._expires = 0; this._confirmed = 0; this._validUntil = '';
      this._shown = ''; this._attempt = 0; this._onStorage = this._render.bind(this, true);
    }

    connectedCallback() { this._start(); addEventListener('storage', this._onStorage); }
    disconnectedCallback() { this._stop(); removeEventListener('storage', this._onStorage); }
    attributeChangedCallback() {
      if (!this._ticker) return;
      this._stop(); this._set = null; this._version = '0'; this._start();
    }

    _num(name, dflt) { var v = parseFloat(this.getAttribute(name)); return (v > 0 ? v : dflt) * 1000; }
    _url(kind, extra) {
      var base = (this.getAttribute('src') || scriptOrigin || location.origin).replace(/\/+$/, '');
      return base + '/v1/banners' + kind + '?app=' + encodeURIComponent(this.getAttribute('app') || '') +
        '&path=' + encodeURIComponent(this.getAttribute('path') || location.pathname) + (extra || '');
    }

    _start() {
      this._ticker = setInterval(this._tick.bind(this), 1000);
      if (window.EventSource) this._open(); else this._fallback();
    }
    _stop() {
      clearInterval(this._ticker); clearTimeout(this._reopen); clearInterval(this._poller);
      this._ticker = this._reopen = this._poller = null;
      if (this._es) { this._es.close(); this._es = null; }
    }

    // Streaming: EventSource reconnects by itself (with Last-Event-ID and the
    // server's jittered retry hint); after repeated errors, or when nothing
    // arrives (a buffering proxy), we close it, poll the snapshot, and reopen
    // later with exponential backoff and jitter, resuming with last_version.
    _open() {
      var self = this, resumed = this._version !== '0', errors = 0, ok = false;
      var es = this._es = new EventSource(this._url('/stream', resumed ? '&last_version=' + this._version : ''));
      var give = setTimeout(function () { if (!ok && self._es === es) self._fallback(); }, this._num('stream-timeout', 8));
      function good() {
        if (!ok) { ok = true; clearTimeout(give); self._attempt = 0; clearInterval(self._poller); self._poller = null; }
      }
      es.addEventListener('banners', function (e) {
        good(); errors = 0;
        try { self._apply(JSON.parse(e.data)); } catch (err) { /* a malformed set is ignored */ }
      });
      es.onopen = function () { errors = 0; if (resumed) good(); };
      es.onerror = function () {
        if (self._es !== es) return;
        if (!self._set || !ok) self._snapshot();
        if (es.readyState === 2 || ++errors >= 3) self._fallback();
      };
    }

    _fallback() {
      var self = this;
      if (this._es) { this._es.close(); this._es = null; }
      clearTimeout(this._reopen);
      if (!this._poller) {
        this._snapshot();
        this._poller = setInterval(function () { self._snapshot(); }, jitter(this._num('poll-interval', 10)));
      }
      if (window.EventSource) {
        this._reopen = setTimeout(function () { self._open(); },
          jitter(Math.min(60000, 1000 * Math.pow(2, this._attempt++))));
      }
    }

    // The whole snapshot, never a 304: its validUntil is what keeps the set
    // alive, and it stops moving while the server cannot reach its database.
    _snapshot() {
      var self = this;
      return fetch(this._url(''), { cache: 'no-store' }).then(function (r) {
        if (!r.ok) return;
        return r.json().then(function (set) { self._apply(set); });
      }).catch(function () { /* unreachable: the banners expire on their own */ });
    }

    _apply(set) {
      if (!set || Number(set.version) < Number(this._version)) return;
      this._set = set; this._version = String(set.version);
      this._confirmed = Date.now();
      // The server moves validUntil forward each time it reloads from its
      // database; while it cannot, every set and snapshot repeats the same
      // one. So only a new validUntil renews the set, for the validity it
      // grants (validUntil - generatedAt, both the server's clock) counted on
      // this browser's clock: clock skew does not matter.
      if (set.validUntil !== this._validUntil) {
        this._validUntil = set.validUntil;
        this._validity = (Date.parse(set.validUntil) - Date.parse(set.generatedAt)) || 90000;
        this._expires = this._confirmed + this._validity;
      }
      this._render();
    }

    // Liveness: a set counts until its validUntil, renewed only by a set or
    // snapshot with a later one (an open stream alone renews nothing: the
    // server may have lost its database). While the stream is open and quiet,
    // the snapshot is fetched every third of the validity; past it, hide.
    _tick() {
      var s = this._set, now = Date.now();
      if (!s) return;
      if (this._es && this._es.readyState === 1 && now - this._confirmed > this._validity / 3 && !this._checking) {
        var self = this;
        this._checking = true;
        this._snapshot().then(function () { self._checking = false; });
      }
      var expired = now > this._expires;
      if (expired !== this._expired) { this._expired = expired; this._render(); }
    }

    _dismiss(b) {
      var d = dismissed();
      d[b.id] = String(b.contentVersion);
      var keys = Object.keys(d);
      while (keys.length > 50) delete d[keys.shift()];
      try { localStorage.setItem(STORE, JSON.stringify(d)); } catch (e) { /* private mode */ }
      this._render();
    }

    _refocus() {
      var next = this._box.querySelector('button'), p = this._prev, all, i;
      if (next) return next.focus();
      if (p && p.isConnected && p.getClientRects().length) { p.focus(); if (document.activeElement === p) return; }
      all = document.querySelectorAll('a[href],button,input,select,textarea,[tabindex]');
      for (i = 0; i < all.length; i++) {
        if (this.compareDocumentPosition(all[i]) & 4 && all[i].tabIndex >= 0 && all[i].getClientRects().length) {
          all[i].focus();
          if (document.activeElement === all[i]) return;
        }
      }
    }

    // Patches the banners in place (by id), so a showing banner keeps its
    // element and focus; says what is new or changed, and clears what was
    // said once there is nothing new, so a dismissed banner's text goes too.
    _render(force) {
      var d = dismissed(), self = this, box = this._box, old = {}, polite = [], loud = [], had = this._root.activeElement;
      var list = this._set && !this._expired ? this._set.banners || [] : [];
      list = list.filter(function (b) { return d[b.id] !== String(b.contentVersion); });
      var key = JSON.stringify(list.map(function (b) { return [b.id, b.contentVersion, b.text, b.level, b.link]; }));
      if (key === this._shown && !force) return;
      this._shown = key;
      [].forEach.call(box.children, function (el) { old[el.getAttribute('data-id')] = el; });
      list.forEach(function (b, i) {
        var lv = level(b), el = old[b.id], link = safeLink(b.link), said = LABELS[lv] + ': ' + b.text;
        delete old[b.id];
        if (!el) {
          el = document.createElement('div');
          el.setAttribute('data-id', b.id);
          el.innerHTML = '<span class="t"><span class="l"></span><span class="m"></span></span>' +
            '<a target="_top">Status page</a><button type="button">\u00d7</button>';
          el.querySelector('button').onclick = function () { self._dismiss(el._b); };
          el.onkeydown = function (e) { if (e.key === 'Escape') { e.preventDefault(); self._dismiss(el._b); } };
        }
        if (el._said !== said) (lv === 'critical' ? loud : polite).push(el._said ? LABELS[lv] + ', updated: ' + b.text : said);
        el._said = said; el._b = b;
        el.className = 'b ' + lv;
        el.querySelector('.l').textContent = LABELS[lv] + ':';
        el.querySelector('.m').textContent = b.text;
        var a = el.querySelector('a');
        a.hidden = !link;
        if (link) a.href = link; else a.removeAttribute('href');
        el.querySelector('button').setAttribute('aria-label', 'Dismiss: ' + b.text);
        if (box.children[i] !== el) box.insertBefore(el, box.children[i] || null);
      });
      Object.keys(old).forEach(function (id) { box.removeChild(old[id]); });
      if (had && !this._root.activeElement) this._refocus();
      this._polite.textContent = polite.join('. ');
      this._loud.textContent = loud.join('. ');
      this.hidden = list.length === 0;
      this.dispatchEvent(new CustomEvent('statuscast-banners', { detail: { banners: list } }));
    }
  }
  customElements.define('statuscast-banner', StatuscastBanner);
})();
