// Hearth game server demo page: the UI — login, the gateway WebSocket,
// reward jobs, matchmaking, the relay room and the ops view. It needs
// codec.js (HearthCodec) loaded first. One closure holds the page's state,
// so it stays one file (no modules, no build step).
'use strict';

if (typeof document !== 'undefined') {
  (() => {
    const C = HearthCodec;
    const $ = (id) => document.getElementById(id);

    // ---- small DOM helpers (text only: never innerHTML with data) -------

    // el(tag, props, ...children): props may hold className, text, title,
    // dataset, attrs; children are nodes or strings (as text).
    function el(tag, props, ...children) {
      const e = document.createElement(tag);
      if (props) {
        if (props.className) e.className = props.className;
        if (props.text !== undefined) e.textContent = String(props.text);
        if (props.title) e.title = props.title;
        if (props.dataset) for (const [k, v] of Object.entries(props.dataset)) e.dataset[k] = String(v);
        if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) e.setAttribute(k, String(v));
      }
      for (const c of children) {
        if (c === null || c === undefined || c === false) continue;
        e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
      }
      return e;
    }

    function pad2(n) { return n < 10 ? '0' + n : String(n); }
    function fmtTime(v) {
      if (v === undefined || v === null || v === '' || v === 0) return '—';
      let d;
      if (typeof v === 'number') d = new Date(v < 1e11 ? v * 1000 : v); // seconds or ms
      else d = new Date(v);
      if (isNaN(d.getTime())) return String(v);
      return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    }
    function shortName(s) { s = String(s || ''); return s.length > 10 ? s.slice(0, 8) + '…' : s; }
    function isOk(code) { return code >= 200 && code < 300; }
    function parseJSON(s) { try { return JSON.parse(s); } catch (_) { return undefined; } }

    // kvChips renders an object as "key value" chips (compact payloads).
    function kvChips(obj, skip) {
      const wrap = el('span', { className: 'kv' });
      for (const [k, v] of Object.entries(obj)) {
        if (skip && skip.includes(k)) continue;
        let val = v;
        if (val !== null && typeof val === 'object') val = JSON.stringify(val);
        const chip = el('span', { className: 'chip', title: k + ': ' + val }, el('span', { className: 'k', text: k }), el('span', { className: 'v', text: String(val) }));
        if (k === 'statusCode' && typeof v === 'number') chip.classList.add(isOk(v) ? 'ok' : 'err');
        wrap.append(chip);
      }
      return wrap;
    }

    // argsText renders a job's JSON args compactly.
    function argsText(args) {
      const o = typeof args === 'string' ? parseJSON(args) : args;
      if (o && typeof o === 'object') return Object.entries(o).map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(' ');
      return String(args || '');
    }

    // setBadge sets a status badge's text and tone (ok, warn, err, idle, info).
    function setBadge(node, text, tone) {
      node.textContent = text;
      node.className = 'badge ' + (tone || 'idle');
    }

    // renderIfChanged replaces node's children when data's JSON changed,
    // so lists polled every second do not flicker or eat clicks.
    const lastRender = new WeakMap();
    function renderIfChanged(node, data, build) {
      const key = JSON.stringify(data);
      if (lastRender.get(node) === key) return;
      lastRender.set(node, key);
      node.replaceChildren(...build(data));
    }
    function forgetRender(node) { lastRender.delete(node); }

    // ---- state ------------------------------------------------------------

    const SESSION_KEY = 'hearth-demo-login';
    const state = {
      player: '',
      token: '',
      me: null,
      waiting: false,
      matchEpoch: 0,          // bumped on match actions: older /api/me answers do not override waiting
      handledRooms: new Set(),// rooms joined (or left) in this page: never auto-joined again
    };
    // Rooms the player left on purpose; kept in sessionStorage so that a
    // reload does not rejoin them from /api/me's room.
    const LEFT_KEY = 'hearth-demo-left-rooms';
    function leftRooms() {
      try { return JSON.parse(sessionStorage.getItem(LEFT_KEY) || '[]'); } catch (_) { return []; }
    }
    function rememberLeft(name) {
      try { sessionStorage.setItem(LEFT_KEY, JSON.stringify([...leftRooms().filter((n) => n !== name), name].slice(-20))); } catch (_) { /* ignore */ }
    }

    // ---- HTTP -------------------------------------------------------------

    class ApiError extends Error {
      constructor(status, message, field) { super(message); this.status = status; this.field = field || ''; }
    }

    // api calls the JSON API; opts.auth false sends no token (login, ops).
    async function api(method, path, body, opts) {
      const auth = !opts || opts.auth !== false;
      const headers = {};
      if (auth && state.token) headers.Authorization = 'Bearer ' + state.token;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let res;
      try {
        res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
      } catch (e) {
        throw new ApiError(0, 'server unreachable');
      }
      const text = await res.text();
      const data = text ? parseJSON(text) : null;
      if (!res.ok) {
        const msg = data && data.error ? data.error : (res.status + ' ' + res.statusText);
        const err = new ApiError(res.status, msg, data && data.field);
        if (res.status === 401 && auth && state.token) onUnauthorized();
        throw err;
      }
      return data;
    }

    function showError(node, err) {
      if (!err) { node.textContent = ''; node.hidden = true; return; }
      node.hidden = false;
      node.textContent = (err.status ? err.status + ': ' : '') + err.message + (err.field ? ' (' + err.field + ')' : '');
    }

    // ---- login --------------------------------------------------------------

    const loginForm = $('login-form');
    const loginName = $('login-name');
    const loginErr = $('login-error');
    const logoutBtn = $('logout-btn');

    loginForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const name = loginName.value.trim();
      showError(loginErr, null);
      if (!name) { showError(loginErr, new ApiError(0, 'enter a player name', 'player')); return; }
      $('login-btn').disabled = true;
      try {
        const res = await api('POST', '/api/login', { player: name }, { auth: false });
        if (state.token) logout(true);
        setLogin(res.player, res.token);
        loginName.value = '';
      } catch (e) {
        showError(loginErr, e);
      } finally {
        $('login-btn').disabled = false;
      }
    });

    logoutBtn.addEventListener('click', () => logout(false));

    function setLogin(player, token) {
      state.player = player;
      state.token = token;
      try { sessionStorage.setItem(SESSION_KEY, JSON.stringify({ player, token })); } catch (_) { /* private mode */ }
      document.body.classList.add('logged-in');
      $('player-status').textContent = 'Logged in as ' + player;
      $('player-name-big').textContent = player;
      $('login-btn').textContent = 'Switch player';
      logoutBtn.hidden = false;
      gw.start();
      refreshMe();
      refreshJobs();
      updateMatchUI();
    }

    // logout forgets the player: sockets closed, views cleared. keepStorage
    // (page start) leaves sessionStorage alone.
    function logout(switching, keepStorage) {
      gw.stop();
      room.close(true);
      state.player = ''; state.token = ''; state.me = null; state.waiting = false;
      state.handledRooms.clear();
      if (!keepStorage) {
        try { sessionStorage.removeItem(SESSION_KEY); sessionStorage.removeItem(LEFT_KEY); } catch (_) { /* ignore */ }
      }
      document.body.classList.remove('logged-in');
      $('player-status').textContent = 'Not logged in';
      $('player-name-big').textContent = '—';
      $('coins').textContent = '0';
      $('sessions').textContent = '0';
      $('login-btn').textContent = 'Log in';
      logoutBtn.hidden = true;
      $('notifications').replaceChildren();
      $('notif-count').textContent = '0';
      for (const id of ['jobs-queued', 'jobs-results', 'jobs-dead']) { $(id).replaceChildren(); forgetRender($(id)); }
      room.reset();
      updateMatchUI();
      if (!switching) loginName.focus();
    }

    function onUnauthorized() {
      logout(false);
      showError(loginErr, new ApiError(401, 'your session expired (the server may have restarted): log in again'));
    }

    // ---- /api/me --------------------------------------------------------------

    let meBusy = false;
    async function refreshMe() {
      if (!state.token || meBusy) return;
      meBusy = true;
      const epoch = state.matchEpoch;
      const token = state.token;
      try {
        const me = await api('GET', '/api/me');
        if (token !== state.token) return;
        state.me = me;
        $('coins').textContent = String(me.coins);
        $('sessions').textContent = String(me.sessions);
        if (epoch === state.matchEpoch) state.waiting = !!me.waiting;
        // A room we were matched into but have not joined (a reload, or a
        // Create notification missed while the gateway was down).
        if (me.room && !state.handledRooms.has(me.room) && room.name !== me.room && !leftRooms().includes(me.room)) {
          room.join(me.room, 'from /api/me');
        }
        updateMatchUI();
      } catch (_) {
        /* shown by the gateway/ops status; retried next tick */
      } finally {
        meBusy = false;
      }
    }

    // ---- gateway WebSocket --------------------------------------------------------

    const gwStatus = $('gateway-status');
    const gw = {
      ws: null,
      gen: 0,
      attempt: 0,
      timer: 0,
      bound: false,
      start() {
        this.stop();
        this.connect();
      },
      stop() {
        this.gen++;
        clearTimeout(this.timer);
        if (this.ws) { try { this.ws.close(1000); } catch (_) { /* ignore */ } }
        this.ws = null;
        this.bound = false;
        setBadge(gwStatus, 'disconnected', 'idle');
      },
      connect() {
        if (!state.token) return;
        const gen = ++this.gen;
        const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
        let ws;
        try { ws = new WebSocket(url); } catch (e) { this.retry(gen, String(e.message || e)); return; }
        this.ws = ws;
        this.bound = false;
        setBadge(gwStatus, 'connecting…', 'warn');
        ws.addEventListener('message', (ev) => {
          if (gen !== this.gen || typeof ev.data !== 'string') return;
          const m = parseJSON(ev.data);
          if (!m || typeof m !== 'object') return;
          const body = m.body || {};
          switch (m.type) {
            case 'connected':
              setBadge(gwStatus, 'connected · binding…', 'warn');
              gwStatus.title = 'connectionId ' + (body.connectionId || '');
              ws.send(JSON.stringify({ type: 'setUserId', body: { token: state.token } }));
              break;
            case 'setUserId':
              this.bound = true;
              this.attempt = 0;
              setBadge(gwStatus, 'connected · bound', 'ok');
              refreshMe();
              break;
            case 'error':
              setBadge(gwStatus, 'connected · bind refused (' + (body.code || '?') + ': ' + (body.message || '') + ')', 'err');
              break;
            case 'notification':
              onNotification(body);
              break;
            default:
              break;
          }
        });
        ws.addEventListener('close', (ev) => {
          if (gen !== this.gen) return;
          this.bound = false;
          this.retry(gen, 'closed' + (ev.code ? ' ' + ev.code : ''));
        });
        ws.addEventListener('error', () => { /* a close event follows */ });
      },
      retry(gen, why) {
        if (gen !== this.gen || !state.token) return;
        const delay = Math.min(15000, 500 * Math.pow(2, this.attempt++));
        const until = Date.now() + delay;
        const tick = () => {
          if (gen !== this.gen) return;
          const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
          setBadge(gwStatus, 'disconnected (' + why + ') · retry in ' + left + ' s', 'err');
          if (Date.now() >= until) { this.connect(); return; }
          this.timer = setTimeout(tick, Math.min(1000, until - Date.now()));
        };
        tick();
      },
    };

    // ---- notifications ------------------------------------------------------------

    const MAX_NOTIFICATIONS = 100;
    let notifCount = 0;

    function onNotification(body) {
      const subject = String(body.subject || '');
      const payload = typeof body.payload === 'string' ? parseJSON(body.payload) : body.payload;
      const li = el('li', { className: 'notification', dataset: { subject } },
        el('div', { className: 'notif-head' },
          el('span', { className: 'subject', text: subject || '(no subject)' }),
          el('time', { className: 'time', text: fmtTime(Date.now()) })),
        payload && typeof payload === 'object'
          ? kvChips(payload, ['namespaceName'])
          : el('code', { className: 'raw', text: String(body.payload || '') }));
      if (body.issuer) li.title = 'issuer: ' + body.issuer;
      const list = $('notifications');
      list.prepend(li);
      while (list.children.length > MAX_NOTIFICATIONS) list.lastElementChild.remove();
      $('notif-count').textContent = String(++notifCount);

      if (subject === 'Gs2JobQueue:RunNotification') {
        refreshJobs();
        refreshMe();
      } else if (subject === 'Gs2Realtime:Create' && payload && payload.roomName) {
        state.waiting = false;
        state.matchEpoch++;
        if (room.name !== payload.roomName || room.closed) room.join(payload.roomName, 'Gs2Realtime:Create');
      }
    }

    // ---- jobs ---------------------------------------------------------------------

    const jobForm = $('job-form');
    const jobErr = $('job-error');
    jobForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError(jobErr, null);
      if (!state.token) { showError(jobErr, new ApiError(0, 'log in first')); return; }
      const coins = Number($('job-coins').value);
      const body = { coins, fail: $('job-fail').value };
      const tries = $('job-tries').value.trim();
      if (tries !== '') body.maxTryCount = Number(tries);
      $('job-push').disabled = true;
      try {
        await api('POST', '/api/jobs', body);
        refreshJobs();
      } catch (e) {
        showError(jobErr, e);
      } finally {
        $('job-push').disabled = false;
      }
    });

    let jobsBusy = false;
    async function refreshJobs() {
      if (!state.token || jobsBusy) return;
      jobsBusy = true;
      const token = state.token;
      try {
        const j = await api('GET', '/api/jobs');
        if (token !== state.token) return;
        renderJobs(j || {});
      } catch (_) {
        /* retried next tick */
      } finally {
        jobsBusy = false;
      }
    }

    function emptyRow(text) { return el('li', { className: 'empty', text }); }

    function renderJobs(j) {
      const queued = j.queued || [], results = j.results || [], dead = j.deadLetters || [];
      $('jobs-queued-count').textContent = String(queued.length);
      $('jobs-results-count').textContent = String(results.length);
      $('jobs-dead-count').textContent = String(dead.length);

      renderIfChanged($('jobs-queued'), queued, (list) => list.length ? list.map((job) =>
        el('li', { className: 'job', dataset: { name: job.name }, title: job.name },
          el('div', { className: 'row-head' },
            el('code', { className: 'name', text: shortName(job.name) }),
            el('span', { className: 'muted', text: 'try ' + (job.currentRetryCount + 1) + ' of ' + job.maxTryCount })),
          el('div', { className: 'row-sub', text: argsText(job.args) + ' · pushed ' + fmtTime(job.createdAt) })),
      ) : [emptyRow('No queued jobs.')]);

      renderIfChanged($('jobs-results'), results, (list) => list.length ? list.map((r) =>
        el('li', { className: 'result ' + (isOk(r.statusCode) ? 'ok' : 'err'), dataset: { status: r.statusCode }, title: r.jobName },
          el('div', { className: 'row-head' },
            el('span', { className: 'code ' + (isOk(r.statusCode) ? 'ok' : 'err'), text: String(r.statusCode) }),
            el('code', { className: 'name', text: shortName(r.jobName) }),
            el('span', { className: 'try', text: 'try ' + r.tryNumber, title: 'attempts are numbered from 0' }),
            el('span', { className: 'muted', text: fmtTime(r.tryAt) })),
          r.result ? el('div', { className: 'row-sub', text: String(r.result) }) : null),
      ) : [emptyRow('No results yet.')]);

      renderIfChanged($('jobs-dead'), dead, (list) => list.length ? list.map((d) => {
        const btn = el('button', { className: 'requeue small', text: 'Requeue', attrs: { type: 'button' }, title: 'Push this job back into the queue' });
        btn.addEventListener('click', () => requeue(d.name, btn));
        const tries = (d.results || []).map((r) =>
          el('span', { className: 'code ' + (isOk(r.statusCode) ? 'ok' : 'err'), text: String(r.statusCode), title: 'try #' + r.tryNumber + ' ' + fmtTime(r.tryAt) + (r.result ? ' — ' + r.result : '') }));
        return el('li', { className: 'dead', dataset: { name: d.name }, title: d.name },
          el('div', { className: 'row-head' },
            el('code', { className: 'name', text: shortName(d.name) }),
            el('span', { className: 'tries' }, ...tries),
            btn),
          el('div', { className: 'row-sub', text: argsText(d.args) + ' · ' + (d.results || []).length + ' of ' + d.maxTryCount + ' tries failed' }));
      }) : [emptyRow('No dead letters.')]);
    }

    async function requeue(name, btn) {
      btn.disabled = true;
      btn.textContent = 'Requeuing…';
      try {
        await api('POST', '/api/deadletters/' + encodeURIComponent(name) + '/requeue');
        refreshJobs();
      } catch (e) {
        btn.disabled = false;
        btn.textContent = 'Requeue';
        showError(jobErr, e);
      }
    }

    // ---- matchmaking ------------------------------------------------------------------

    const matchBtn = $('match-btn');
    const matchCancel = $('match-cancel');
    const matchErr = $('match-error');

    matchBtn.addEventListener('click', async () => {
      showError(matchErr, null);
      if (!state.token) { showError(matchErr, new ApiError(0, 'log in first')); return; }
      matchBtn.disabled = true;
      state.matchEpoch++;
      try {
        const res = await api('POST', '/api/match');
        state.waiting = res.status === 'waiting';
        state.matchEpoch++;
        $('match-hint').textContent = res.waiting ? res.waiting + ' player' + (res.waiting === 1 ? '' : 's') + ' waiting (you included). A room opens 2 s after a second player joins.' : '';
      } catch (e) {
        showError(matchErr, e);
      } finally {
        updateMatchUI();
      }
    });

    matchCancel.addEventListener('click', async () => {
      showError(matchErr, null);
      state.matchEpoch++;
      try {
        await api('DELETE', '/api/match');
        state.waiting = false;
        state.matchEpoch++;
        $('match-hint').textContent = '';
      } catch (e) {
        showError(matchErr, e);
      } finally {
        updateMatchUI();
      }
    });

    function updateMatchUI() {
      const status = $('match-status');
      const inRoom = room.name && !room.closed;
      if (inRoom) setBadge(status, 'in room ' + room.name, 'ok');
      else if (state.waiting) setBadge(status, 'waiting', 'warn');
      else setBadge(status, 'idle', 'idle');
      matchBtn.disabled = !state.token || inRoom || state.waiting;
      matchBtn.textContent = state.waiting ? 'Waiting for players…' : 'Find a match';
      matchCancel.hidden = !state.waiting || inRoom;
      if (!state.waiting) $('match-hint').textContent = '';
      $('room-card').classList.toggle('active', !!inRoom);
    }

    // ---- the relay room ------------------------------------------------------------------

    const MAX_LOG = 300;
    const MT = C.MessageType;

    const room = {
      name: '',
      info: null,       // GET /api/rooms/{room}
      ws: null,
      gen: 0,
      closed: true,
      joined: false,    // HelloResult received
      myConn: 0,
      myUserId: '',
      players: new Map(), // connectionId -> Player
      badFrames: 0,

      reset() {
        this.name = ''; this.info = null; this.closed = true; this.joined = false;
        this.players.clear(); this.myConn = 0; this.badFrames = 0;
        $('room-log').replaceChildren();
        $('room-warnings').replaceChildren();
        $('room-rejoin').hidden = true;
        this.renderPlayers();
        this.renderHead('no room', 'idle');
        this.updateInputs();
      },

      // join fetches the room and connects to its relay.
      async join(name, why) {
        if (this.ws) this.close(true);
        this.reset();
        this.name = name;
        this.closed = false;
        state.handledRooms.add(name);
        const gen = ++this.gen;
        this.sys('Matched into room ' + name + ' (' + why + '). Fetching the room…');
        this.renderHead('fetching room', 'warn');
        updateMatchUI();
        let info = null;
        for (let i = 0; i < 40 && gen === this.gen; i++) {
          try {
            info = await api('GET', '/api/rooms/' + encodeURIComponent(name));
          } catch (e) {
            if (gen !== this.gen) return;
            this.fail('Could not get room ' + name + ': ' + e.message);
            return;
          }
          if (info.status === 'READY') break;
          if (info.status === 'FAILED') { this.fail('Room ' + name + ' failed to start.'); return; }
          this.renderHead('provisioning', 'warn');
          await new Promise((r) => setTimeout(r, 500));
        }
        if (gen !== this.gen) return;
        if (!info || info.status !== 'READY') { this.fail('Room ' + name + ' did not become ready.'); return; }
        this.info = info;
        this.connect(gen);
      },

      connect(gen) {
        const info = this.info;
        const host = String(info.ipAddress).includes(':') && !String(info.ipAddress).startsWith('[') ? '[' + info.ipAddress + ']' : info.ipAddress;
        const url = 'ws://' + host + ':' + info.port + '/';
        this.sys('Connecting to the relay at ' + url);
        this.renderHead('connecting', 'warn');
        let ws;
        try { ws = new WebSocket(url); } catch (e) { this.fail('Cannot open ' + url + ': ' + (e.message || e)); return; }
        ws.binaryType = 'arraybuffer';
        this.ws = ws;
        ws.addEventListener('open', () => {
          if (gen !== this.gen) return;
          this.renderHead('saying hello', 'warn');
          this.send(MT.HELLO_REQUEST, { accessToken: state.token, myProfile: C.utf8Encode(state.player) });
        });
        ws.addEventListener('message', (ev) => {
          if (gen !== this.gen) return;
          if (typeof ev.data === 'string') return; // binary frames only
          this.onFrame(new Uint8Array(ev.data));
        });
        ws.addEventListener('close', (ev) => {
          if (gen !== this.gen) return;
          this.ws = null;
          this.closed = true;
          this.joined = false;
          this.sys('Disconnected from the relay' + (ev.code ? ' (code ' + ev.code + (ev.reason ? ', ' + ev.reason : '') + ')' : '') + '.');
          this.renderHead('disconnected', 'err');
          $('room-rejoin').hidden = false;
          this.updateInputs();
          updateMatchUI();
        });
        ws.addEventListener('error', () => { /* a close event follows */ });
      },

      send(messageType, message) {
        if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
        this.ws.send(C.encodeFrame({ messageType, message, key: this.info.encryptionKey }));
        return true;
      },

      onFrame(bytes) {
        let f;
        try {
          f = C.decodeFrame(bytes, this.info.encryptionKey);
        } catch (e) {
          this.warn('Dropped a malformed frame (' + bytes.length + ' bytes): ' + e.message);
          return;
        }
        if (!f.verified) {
          this.warn('Dropped a ' + (f.name || 'frame of type ' + f.messageType) + ' whose signature does not verify (seq ' + f.sequenceNumber + ').');
          return;
        }
        if (f.name === null) {
          this.warn('Dropped a frame with an unknown messageType ' + f.messageType + '.');
          return;
        }
        const m = f.message;
        switch (f.messageType) {
          case MT.HELLO_RESULT: {
            if (!m.myProfile) { this.warn('HelloResult without myProfile: ignored.'); return; }
            this.myConn = m.myProfile.connectionId;
            this.myUserId = m.myProfile.userId || state.player;
            this.players.clear();
            this.players.set(this.myConn, m.myProfile);
            for (const p of m.players) this.players.set(p.connectionId, p);
            this.joined = true;
            this.renderHead('joined', 'ok');
            this.sys('Joined as connection #' + this.myConn + '; ' + m.players.length + ' other player' + (m.players.length === 1 ? '' : 's') + ' here.');
            break;
          }
          case MT.JOIN_NOTIFICATION:
            if (m.joinPlayer) {
              this.players.set(m.joinPlayer.connectionId, m.joinPlayer);
              this.sys(m.joinPlayer.userId + ' joined.');
            }
            break;
          case MT.LEAVE_NOTIFICATION:
            if (m.leavePlayer) {
              const p = this.players.get(m.leavePlayer.connectionId) || m.leavePlayer;
              this.players.delete(m.leavePlayer.connectionId);
              this.sys((p.userId || '#' + m.leavePlayer.connectionId) + ' left.');
            }
            break;
          case MT.UPDATE_PROFILE_NOTIFICATION:
            if (m.updatePlayer) {
              const old = this.players.get(m.updatePlayer.connectionId);
              this.players.set(m.updatePlayer.connectionId, Object.assign({}, old || {}, m.updatePlayer));
              this.sys((m.updatePlayer.userId || '#' + m.updatePlayer.connectionId) + ' updated their profile.');
            }
            break;
          case MT.BINARY_MESSAGE: {
            let rbm;
            try { rbm = C.decodeRelayBinaryMessage(m.data); } catch (e) { this.warn('Malformed RelayBinaryMessage: ' + e.message); return; }
            const p = this.players.get(rbm.connectionId);
            this.msg(p ? p.userId : '#' + rbm.connectionId, C.utf8Decode(rbm.data), false);
            break;
          }
          case MT.ERROR:
            this.sys('Relay error ' + m.statusCode + (m.component ? ' (' + m.component + ')' : '') + ': ' + m.message, 'err');
            break;
          default:
            this.sys('Ignored a ' + f.name + ' from the server.');
            return;
        }
        this.renderPlayers();
        this.updateInputs();
      },

      sendText(text) {
        if (!this.joined) return false;
        const data = C.encodeRelayBinaryMessage({ data: C.utf8Encode(text) });
        if (!this.send(MT.BINARY_MESSAGE, { data })) return false;
        this.msg(this.myUserId, text, true);
        return true;
      },

      // close leaves the room: ByeRequest, then a plain close.
      close(silent) {
        const ws = this.ws;
        if (ws) {
          if (ws.readyState === WebSocket.OPEN && this.joined) {
            try { this.send(MT.BYE_REQUEST, {}); } catch (_) { /* ignore */ }
          }
          try { ws.close(); } catch (_) { /* ignore */ }
        }
        this.gen++;
        this.ws = null;
        this.closed = true;
        this.joined = false;
        if (!silent) {
          rememberLeft(this.name);
          this.sys('You left room ' + this.name + '.');
          this.renderHead('left', 'idle');
          $('room-rejoin').hidden = false;
        }
        this.updateInputs();
        updateMatchUI();
      },

      fail(text) {
        this.sys(text, 'err');
        this.closed = true;
        this.renderHead('failed', 'err');
        this.updateInputs();
        updateMatchUI();
      },

      // ---- rendering
      logAppend(li) {
        const log = $('room-log');
        const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
        log.append(li);
        while (log.children.length > MAX_LOG) log.firstElementChild.remove();
        if (stick) log.scrollTop = log.scrollHeight;
      },
      msg(from, text, mine) {
        // textContent is exactly "<userId>: <text>"; the time is a CSS
        // ::before of data-time, so it is not part of the text.
        this.logAppend(el('li', { className: 'msg' + (mine ? ' mine' : ''), dataset: { from, time: fmtTime(Date.now()) } },
          el('b', { className: 'from', text: from }), ': ' + text));
      },
      sys(text, tone) {
        this.logAppend(el('li', { className: 'sys' + (tone ? ' ' + tone : ''), dataset: { time: fmtTime(Date.now()) }, text }));
      },
      warn(text) {
        this.badFrames++;
        const w = $('room-warnings');
        w.prepend(el('li', { className: 'warn', text: fmtTime(Date.now()) + ' ' + text }));
        while (w.children.length > 5) w.lastElementChild.remove();
        this.sys('⚠ ' + text, 'err');
      },
      renderHead(status, tone) {
        $('room-name').textContent = this.name || '—';
        setBadge($('room-status'), status, tone);
        const info = this.info;
        $('room-meta').textContent = info ? 'relay ' + info.ipAddress + ':' + info.port + ' · room ' + String(info.status).toLowerCase() : '';
      },
      renderPlayers() {
        const list = $('room-players');
        const ps = [...this.players.values()].sort((a, b) => a.connectionId - b.connectionId);
        list.replaceChildren(...(ps.length ? ps.map((p) => el('li', { className: 'player' + (p.connectionId === this.myConn ? ' me' : ''), dataset: { user: p.userId, connection: p.connectionId } },
          el('span', { className: 'pname', text: p.userId || '(no user id)' }),
          el('span', { className: 'conn', text: '#' + p.connectionId }),
          p.connectionId === this.myConn ? el('span', { className: 'badge ok', text: 'you' }) : null)) : [emptyRow('Nobody here yet.')]));
        $('room-player-count').textContent = String(ps.length);
      },
      updateInputs() {
        const can = this.joined && !this.closed;
        $('room-input').disabled = !can;
        $('room-send').disabled = !can;
        $('room-leave').disabled = this.closed;
      },
    };

    $('room-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const input = $('room-input');
      const text = input.value;
      if (!text.trim()) return;
      if (room.sendText(text)) input.value = '';
      input.focus();
    });
    $('room-leave').addEventListener('click', () => room.close(false));
    $('room-rejoin').addEventListener('click', () => { if (room.name) room.join(room.name, 'rejoin'); });

    // ---- ops --------------------------------------------------------------------------

    let opsBusy = false;
    async function refreshOps() {
      if (opsBusy) return;
      opsBusy = true;
      try {
        const ops = await api('GET', '/api/ops', undefined, { auth: false });
        renderOps(ops || {});
        setBadge($('ops-conn'), 'live', 'ok');
      } catch (e) {
        setBadge($('ops-conn'), 'offline: ' + e.message, 'err');
      } finally {
        opsBusy = false;
      }
    }

    function renderOps(ops) {
      $('ops-updated').textContent = fmtTime(ops.now || Date.now());
      $('ops-updated').dateTime = new Date(ops.now || Date.now()).toISOString();

      renderIfChanged($('ops-namespaces'), ops.namespaces || {}, (ns) => {
        const entries = Object.entries(ns).sort(([a], [b]) => a.localeCompare(b));
        return entries.length ? entries.map(([svc, names]) => el('div', { className: 'ns' },
          el('dt', { text: svc }),
          el('dd', {}, ...((names || []).length ? names.map((n) => el('span', { className: 'chip', text: n })) : [el('span', { className: 'muted', text: 'none' })])))) : [el('div', { className: 'muted', text: 'No namespaces.' })];
      });

      renderIfChanged($('ops-players'), { p: ops.players || [], me: state.player }, ({ p, me }) => p.length ? p.map((pl) => {
        const where = pl.room ? el('span', { className: 'badge ok', text: pl.room, title: 'in room ' + pl.room })
          : pl.waiting ? el('span', { className: 'badge warn', text: 'waiting' }) : el('span', { className: 'muted', text: '—' });
        return el('tr', { className: pl.player === me ? 'me' : '', dataset: { player: pl.player } },
          el('td', { className: 'pname' }, pl.player, pl.player === me ? el('span', { className: 'badge info', text: 'you' }) : null),
          el('td', { className: 'num', text: pl.coins }),
          el('td', { className: 'num' + (pl.sessions ? ' on' : ''), text: pl.sessions }),
          el('td', { className: 'num', text: pl.queued }),
          el('td', { className: 'num' + (pl.deadLetters ? ' bad' : ''), text: pl.deadLetters }),
          el('td', {}, ...((pl.locks || []).length ? pl.locks.map((l) => el('span', { className: 'chip lock', text: l })) : [el('span', { className: 'muted', text: '—' })])),
          el('td', { className: 'where' }, where));
      }) : [el('tr', {}, el('td', { className: 'empty', attrs: { colspan: 7 }, text: 'No players yet — log in on the left.' }))]);

      renderIfChanged($('ops-rooms'), ops.rooms || [], (rooms) => rooms.length ? rooms.map((r) => {
        const tone = r.status === 'READY' ? 'ok' : r.status === 'FAILED' ? 'err' : 'warn';
        return el('tr', { dataset: { room: r.name } },
          el('td', { title: r.name + (r.createdAt ? ' · created ' + fmtTime(r.createdAt) : '') }, el('code', { text: r.name })),
          el('td', {}, el('span', { className: 'badge ' + tone, text: r.status })),
          el('td', { className: 'num', text: r.port || '—' }),
          el('td', { className: 'players-cell' }, ...((r.players || []).length ? r.players.map((p) => el('span', { className: 'chip', text: p })) : [el('span', { className: 'muted', text: '—' })])));
      }) : [el('tr', {}, el('td', { className: 'empty', attrs: { colspan: 4 }, text: 'No rooms yet — two players pressing “Find a match” make one.' }))]);

      renderIfChanged($('ops-waiting'), ops.waiting || [], (w) => w.length ? w.map((p) => el('li', { className: 'chip', text: p })) : [el('li', { className: 'muted', text: 'Nobody is waiting.' })]);
    }

    // ---- start --------------------------------------------------------------------------

    function tick() {
      refreshOps();
      if (state.token) { refreshMe(); refreshJobs(); }
    }

    let saved = null;
    try { saved = parseJSON(sessionStorage.getItem(SESSION_KEY) || ''); } catch (_) { /* ignore */ }
    room.reset();
    logout(true, true);
    if (saved && saved.player && saved.token) setLogin(saved.player, saved.token);
    tick();
    setInterval(tick, 1000);
  })();
}
