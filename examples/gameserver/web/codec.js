// Hearth game server demo page: the codec of the GS2-Realtime relay.
//
// Pure functions, no DOM: SHA-256, HMAC-SHA256, a small protobuf
// reader/writer and the relay messages of realtime-protocol.proto, as the
// global HearthCodec (and module.exports, so that Node can test it).
// app.js, the page's UI, uses it.
'use strict';

const HearthCodec = (() => {
  // ---- UTF-8 / ASCII / hex helpers ------------------------------------

  const textEncoder = new TextEncoder();
  const textDecoder = new TextDecoder('utf-8'); // non-fatal: bad bytes become U+FFFD

  function utf8Encode(s) { return textEncoder.encode(String(s)); }
  function utf8Decode(u8) { return textDecoder.decode(u8); }

  // asciiBytes encodes a key string as bytes, one per character (the relay's
  // encryptionKey is printable ASCII; anything above U+007F becomes '?', as
  // .NET clients do).
  function asciiBytes(s) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      out[i] = c < 0x80 ? c : 0x3f;
    }
    return out;
  }

  function toHex(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i++) s += (u8[i] < 16 ? '0' : '') + u8[i].toString(16);
    return s;
  }

  function fromHex(hex) {
    const clean = hex.replace(/\s+/g, '');
    if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error('bad hex');
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
    return out;
  }

  function bytesEqual(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  // ---- SHA-256 (FIPS 180-4) -------------------------------------------

  const K256 = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // sha256 returns the 32-byte digest of data (a Uint8Array).
  function sha256(data) {
    const len = data.length;
    const total = ((len + 9 + 63) >> 6) << 6; // message + 0x80 + 8-byte length, padded to 64
    const buf = new Uint8Array(total);
    buf.set(data);
    buf[len] = 0x80;
    const dv = new DataView(buf.buffer);
    dv.setUint32(total - 8, Math.floor(len / 0x20000000)); // high 32 bits of the bit length
    dv.setUint32(total - 4, (len << 3) >>> 0);
    const H = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const W = new Uint32Array(64);
    for (let off = 0; off < total; off += 64) {
      for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + i * 4);
      for (let i = 16; i < 64; i++) {
        const w15 = W[i - 15], w2 = W[i - 2];
        const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
        const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (let i = 0; i < 64; i++) {
        const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const ch = (e & f) ^ (~e & g);
        const t1 = (h + S1 + ch + K256[i] + W[i]) | 0;
        const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    const out = new Uint8Array(32);
    const odv = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) odv.setUint32(i * 4, H[i]);
    return out;
  }

  // hmacSha256 returns the raw 32-byte HMAC-SHA256 (RFC 2104) of data.
  function hmacSha256(key, data) {
    if (typeof key === 'string') key = asciiBytes(key);
    if (key.length > 64) key = sha256(key);
    const ipad = new Uint8Array(64 + data.length);
    const opad = new Uint8Array(64 + 32);
    for (let i = 0; i < 64; i++) {
      const k = i < key.length ? key[i] : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
    ipad.set(data, 64);
    opad.set(sha256(ipad), 64);
    return sha256(opad);
  }

  // ---- protobuf wire format -------------------------------------------

  const WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5;

  class Writer {
    constructor() { this.buf = []; }
    varint(n) {
      // n: a non-negative integer below 2^53 (uint32 here).
      if (!(n >= 0) || !Number.isInteger(n)) throw new Error('varint: not a non-negative integer: ' + n);
      while (n >= 0x80) {
        this.buf.push((n % 0x80) | 0x80);
        n = Math.floor(n / 0x80);
      }
      this.buf.push(n);
      return this;
    }
    tag(field, wt) { return this.varint(field * 8 + wt); }
    // uint32 writes a uint32/enum field; proto3 omits zero.
    uint32(field, v) {
      v = v >>> 0;
      if (v !== 0) this.tag(field, WT_VARINT).varint(v);
      return this;
    }
    raw(u8) { for (let i = 0; i < u8.length; i++) this.buf.push(u8[i]); return this; }
    // lenDelim always writes the field (used for embedded messages, which
    // are present even when empty).
    lenDelim(field, u8) { return this.tag(field, WT_LEN).varint(u8.length).raw(u8); }
    // bytes and string write a scalar field; proto3 omits empty.
    bytes(field, u8) { if (u8 && u8.length) this.lenDelim(field, u8); return this; }
    string(field, s) { if (s) this.lenDelim(field, utf8Encode(s)); return this; }
    // message writes an embedded message when it is present (not null).
    message(field, u8) { if (u8) this.lenDelim(field, u8); return this; }
    packedUint32(field, list) {
      if (!list || !list.length) return this;
      const inner = new Writer();
      for (const v of list) inner.varint(v >>> 0);
      return this.lenDelim(field, inner.finish());
    }
    finish() { return Uint8Array.from(this.buf); }
  }

  class Reader {
    constructor(u8) { this.b = u8; this.p = 0; this.end = u8.length; }
    done() { return this.p >= this.end; }
    // varint returns [lo, hi]: the low and high 32 bits (unsigned) of a
    // varint of up to 10 bytes.
    varint64() {
      let lo = 0, hi = 0;
      for (let i = 0; ; i++) {
        if (i >= 10) throw new Error('varint too long');
        if (this.p >= this.end) throw new Error('truncated varint');
        const byte = this.b[this.p++];
        const bits = byte & 0x7f;
        const shift = i * 7;
        if (shift < 28) lo |= bits << shift;
        else if (shift === 28) { lo |= (bits & 0x0f) << 28; hi |= bits >>> 4; }
        else hi |= bits << (shift - 32);
        if (!(byte & 0x80)) break;
      }
      return [lo >>> 0, hi >>> 0];
    }
    // uint32 reads a varint truncated to 32 bits, as protobuf does.
    uint32() { return this.varint64()[0]; }
    // len reads a length-delimited field's bytes (a view, not a copy).
    len() {
      const [lo, hi] = this.varint64();
      if (hi !== 0 || lo > this.end - this.p) throw new Error('length-delimited field overruns the message');
      const out = this.b.subarray(this.p, this.p + lo);
      this.p += lo;
      return out;
    }
    tag() {
      const t = this.uint32();
      const field = t >>> 3, wt = t & 7;
      if (field === 0) throw new Error('field number 0');
      return [field, wt];
    }
    advance(n) {
      if (n > this.end - this.p) throw new Error('truncated field');
      this.p += n;
    }
    // skip skips a field of wire type wt (an unknown field).
    skip(wt, field) {
      switch (wt) {
        case WT_VARINT: this.varint64(); break;
        case WT_I64: this.advance(8); break;
        case WT_LEN: this.len(); break;
        case WT_I32: this.advance(4); break;
        case WT_SGROUP:
          for (;;) {
            const [f, w] = this.tag();
            if (w === WT_EGROUP) {
              if (f !== field) throw new Error('mismatched end group');
              break;
            }
            this.skip(w, f);
          }
          break;
        default: throw new Error('unexpected wire type ' + wt);
      }
    }
  }

  // decodeFields walks a message: spec maps a field number to
  // [expectedWireType, fn(reader, wireType)]. Fields not in spec, or with
  // another wire type, are skipped by wire type. (Repeated scalars name
  // both wire types with 'any'.)
  function decodeFields(u8, spec) {
    const r = new Reader(u8);
    while (!r.done()) {
      const [field, wt] = r.tag();
      const s = spec[field];
      if (s && (s[0] === wt || s[0] === 'any')) s[1](r, wt);
      else r.skip(wt, field);
    }
  }

  // ---- relay messages (realtime-protocol.proto) -------------------------

  const MessageType = Object.freeze({
    HELLO_REQUEST: 0,
    HELLO_RESULT: 1,
    BYE_REQUEST: 2,
    UPDATE_PROFILE_REQUEST: 0x10000000,
    JOIN_NOTIFICATION: 0x20000000,
    LEAVE_NOTIFICATION: 0x20000001,
    UPDATE_PROFILE_NOTIFICATION: 0x20000002,
    BINARY_MESSAGE: 0x30000000,
    ERROR: 0x7fffffff,
  });

  // The inner message each messageType carries.
  const MessageName = Object.freeze({
    [MessageType.HELLO_REQUEST]: 'HelloRequest',
    [MessageType.HELLO_RESULT]: 'HelloResult',
    [MessageType.BYE_REQUEST]: 'ByeRequest',
    [MessageType.UPDATE_PROFILE_REQUEST]: 'UpdateProfileRequest',
    [MessageType.JOIN_NOTIFICATION]: 'JoinNotification',
    [MessageType.LEAVE_NOTIFICATION]: 'LeaveNotification',
    [MessageType.UPDATE_PROFILE_NOTIFICATION]: 'UpdateProfileNotification',
    [MessageType.BINARY_MESSAGE]: 'BinaryMessage',
    [MessageType.ERROR]: 'Error',
  });

  const TYPE_URL_PREFIX = 'type.googleapis.com/';
  const EMPTY = new Uint8Array(0);

  // Any { string type_url = 1; bytes value = 2; }
  function encodeAny(a) {
    return new Writer().string(1, a.typeUrl || '').bytes(2, a.value || EMPTY).finish();
  }
  function decodeAny(u8) {
    const a = { typeUrl: '', value: EMPTY };
    decodeFields(u8, {
      1: [WT_LEN, (r) => { a.typeUrl = utf8Decode(r.len()); }],
      2: [WT_LEN, (r) => { a.value = r.len(); }],
    });
    return a;
  }

  // Container { messageType = 1; Any payload = 2; bytes signature = 3;
  //             uint32 sequenceNumber = 4; uint32 lifeTimeMilliSeconds = 5; }
  function encodeContainer(c) {
    return new Writer()
      .uint32(1, c.messageType || 0)
      .message(2, encodeAny(c.payload || { typeUrl: '', value: EMPTY })) // always present
      .bytes(3, c.signature || EMPTY)
      .uint32(4, c.sequenceNumber || 0)
      .uint32(5, c.lifeTimeMilliSeconds || 0)
      .finish();
  }
  function decodeContainer(u8) {
    const c = { messageType: 0, payload: null, signature: EMPTY, sequenceNumber: 0, lifeTimeMilliSeconds: 0 };
    decodeFields(u8, {
      1: [WT_VARINT, (r) => { c.messageType = r.uint32(); }],
      2: [WT_LEN, (r) => { c.payload = decodeAny(r.len()); }],
      3: [WT_LEN, (r) => { c.signature = r.len(); }],
      4: [WT_VARINT, (r) => { c.sequenceNumber = r.uint32(); }],
      5: [WT_VARINT, (r) => { c.lifeTimeMilliSeconds = r.uint32(); }],
    });
    return c;
  }

  // Player { uint32 connectionId = 1; string userId = 2; bytes profile = 3; }
  function encodePlayer(p) {
    return new Writer().uint32(1, p.connectionId || 0).string(2, p.userId || '').bytes(3, p.profile || EMPTY).finish();
  }
  function decodePlayer(u8) {
    const p = { connectionId: 0, userId: '', profile: EMPTY };
    decodeFields(u8, {
      1: [WT_VARINT, (r) => { p.connectionId = r.uint32(); }],
      2: [WT_LEN, (r) => { p.userId = utf8Decode(r.len()); }],
      3: [WT_LEN, (r) => { p.profile = r.len(); }],
    });
    return p;
  }

  // HelloRequest { string accessToken = 1; bytes myProfile = 2; }
  function encodeHelloRequest(m) {
    return new Writer().string(1, m.accessToken || '').bytes(2, m.myProfile || EMPTY).finish();
  }
  function decodeHelloRequest(u8) {
    const m = { accessToken: '', myProfile: EMPTY };
    decodeFields(u8, {
      1: [WT_LEN, (r) => { m.accessToken = utf8Decode(r.len()); }],
      2: [WT_LEN, (r) => { m.myProfile = r.len(); }],
    });
    return m;
  }

  // HelloResult { Player myProfile = 1; repeated Player players = 2; uint32 secret = 3; }
  function encodeHelloResult(m) {
    const w = new Writer().message(1, m.myProfile ? encodePlayer(m.myProfile) : null);
    for (const p of m.players || []) w.lenDelim(2, encodePlayer(p));
    return w.uint32(3, m.secret || 0).finish();
  }
  function decodeHelloResult(u8) {
    const m = { myProfile: null, players: [], secret: 0 };
    decodeFields(u8, {
      1: [WT_LEN, (r) => { m.myProfile = decodePlayer(r.len()); }],
      2: [WT_LEN, (r) => { m.players.push(decodePlayer(r.len())); }],
      3: [WT_VARINT, (r) => { m.secret = r.uint32(); }],
    });
    return m;
  }

  // ByeRequest {}
  function encodeByeRequest() { return EMPTY; }
  function decodeByeRequest(u8) { decodeFields(u8, {}); return {}; }

  // UpdateProfileRequest { bytes myProfile = 1; }
  function encodeUpdateProfileRequest(m) { return new Writer().bytes(1, m.myProfile || EMPTY).finish(); }
  function decodeUpdateProfileRequest(u8) {
    const m = { myProfile: EMPTY };
    decodeFields(u8, { 1: [WT_LEN, (r) => { m.myProfile = r.len(); }] });
    return m;
  }

  // Join/Leave/UpdateProfile notifications: one Player in field 1.
  function playerNotification(fieldName) {
    return {
      encode: (m) => new Writer().message(1, m[fieldName] ? encodePlayer(m[fieldName]) : null).finish(),
      decode: (u8) => {
        const m = { [fieldName]: null };
        decodeFields(u8, { 1: [WT_LEN, (r) => { m[fieldName] = decodePlayer(r.len()); }] });
        return m;
      },
    };
  }
  const JoinNotification = playerNotification('joinPlayer');
  const LeaveNotification = playerNotification('leavePlayer');
  const UpdateProfileNotification = playerNotification('updatePlayer');

  // BinaryMessage { bytes data = 1; }
  function encodeBinaryMessage(m) { return new Writer().bytes(1, m.data || EMPTY).finish(); }
  function decodeBinaryMessage(u8) {
    const m = { data: EMPTY };
    decodeFields(u8, { 1: [WT_LEN, (r) => { m.data = r.len(); }] });
    return m;
  }

  // RelayBinaryMessage { uint32 connectionId = 1; bytes data = 2;
  //                      repeated uint32 targetConnectionId = 3; }  (packed on write)
  function encodeRelayBinaryMessage(m) {
    return new Writer()
      .uint32(1, m.connectionId || 0)
      .bytes(2, m.data || EMPTY)
      .packedUint32(3, m.targetConnectionId || [])
      .finish();
  }
  function decodeRelayBinaryMessage(u8) {
    const m = { connectionId: 0, data: EMPTY, targetConnectionId: [] };
    decodeFields(u8, {
      1: [WT_VARINT, (r) => { m.connectionId = r.uint32(); }],
      2: [WT_LEN, (r) => { m.data = r.len(); }],
      3: ['any', (r, wt) => {
        if (wt === WT_VARINT) { m.targetConnectionId.push(r.uint32()); return; }
        if (wt !== WT_LEN) { r.skip(wt, 3); return; }
        const pr = new Reader(r.len());
        while (!pr.done()) m.targetConnectionId.push(pr.uint32());
      }],
    });
    return m;
  }

  // Error { string component = 1; uint32 statusCode = 2; string message = 3; }
  function encodeError(m) {
    return new Writer().string(1, m.component || '').uint32(2, m.statusCode || 0).string(3, m.message || '').finish();
  }
  function decodeError(u8) {
    const m = { component: '', statusCode: 0, message: '' };
    decodeFields(u8, {
      1: [WT_LEN, (r) => { m.component = utf8Decode(r.len()); }],
      2: [WT_VARINT, (r) => { m.statusCode = r.uint32(); }],
      3: [WT_LEN, (r) => { m.message = utf8Decode(r.len()); }],
    });
    return m;
  }

  // Codecs by messageType.
  const Codecs = Object.freeze({
    [MessageType.HELLO_REQUEST]: { encode: encodeHelloRequest, decode: decodeHelloRequest },
    [MessageType.HELLO_RESULT]: { encode: encodeHelloResult, decode: decodeHelloResult },
    [MessageType.BYE_REQUEST]: { encode: encodeByeRequest, decode: decodeByeRequest },
    [MessageType.UPDATE_PROFILE_REQUEST]: { encode: encodeUpdateProfileRequest, decode: decodeUpdateProfileRequest },
    [MessageType.JOIN_NOTIFICATION]: JoinNotification,
    [MessageType.LEAVE_NOTIFICATION]: LeaveNotification,
    [MessageType.UPDATE_PROFILE_NOTIFICATION]: UpdateProfileNotification,
    [MessageType.BINARY_MESSAGE]: { encode: encodeBinaryMessage, decode: decodeBinaryMessage },
    [MessageType.ERROR]: { encode: encodeError, decode: decodeError },
  });

  // encodeFrame builds one signed relay frame (a serialized Container).
  //   messageType: a MessageType; message: the inner message as an object
  //   (or value: its serialized bytes); key: the room's encryptionKey;
  //   typeUrl: defaults to "type.googleapis.com/<MessageName>".
  function encodeFrame({ messageType, message, value, key, typeUrl, sequenceNumber, lifeTimeMilliSeconds }) {
    const name = MessageName[messageType];
    if (name === undefined) throw new Error('unknown messageType ' + messageType);
    if (value === undefined) value = Codecs[messageType].encode(message || {});
    return encodeContainer({
      messageType,
      payload: { typeUrl: typeUrl === undefined ? TYPE_URL_PREFIX + name : typeUrl, value },
      signature: key === undefined || key === null ? EMPTY : hmacSha256(key, value),
      sequenceNumber: sequenceNumber || 0,
      lifeTimeMilliSeconds: lifeTimeMilliSeconds || 0,
    });
  }

  // decodeFrame parses one relay frame. It dispatches on messageType (never
  // the type_url) and, given a key, checks the signature over payload.value.
  // Returns { messageType, name (null when outside the enum), typeUrl, value,
  // signature, verified (null without a key), sequenceNumber,
  // lifeTimeMilliSeconds, message (null when outside the enum) }.
  // Throws on malformed bytes.
  function decodeFrame(bytes, key) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const c = decodeContainer(u8);
    const payload = c.payload || { typeUrl: '', value: EMPTY };
    const name = Object.prototype.hasOwnProperty.call(MessageName, c.messageType) ? MessageName[c.messageType] : null;
    const verified = key === undefined || key === null ? null : bytesEqual(hmacSha256(key, payload.value), c.signature);
    return {
      messageType: c.messageType,
      name,
      typeUrl: payload.typeUrl,
      value: payload.value,
      signature: c.signature,
      verified,
      sequenceNumber: c.sequenceNumber,
      lifeTimeMilliSeconds: c.lifeTimeMilliSeconds,
      message: name === null ? null : Codecs[c.messageType].decode(payload.value),
    };
  }

  return {
    utf8Encode, utf8Decode, asciiBytes, toHex, fromHex, bytesEqual,
    sha256, hmacSha256,
    Writer, Reader,
    MessageType, MessageName, Codecs,
    encodeAny, decodeAny, encodeContainer, decodeContainer,
    encodePlayer, decodePlayer,
    encodeHelloRequest, decodeHelloRequest, encodeHelloResult, decodeHelloResult,
    encodeByeRequest, decodeByeRequest, encodeUpdateProfileRequest, decodeUpdateProfileRequest,
    JoinNotification, LeaveNotification, UpdateProfileNotification,
    encodeBinaryMessage, decodeBinaryMessage, encodeRelayBinaryMessage, decodeRelayBinaryMessage,
    encodeError, decodeError,
    encodeFrame, decodeFrame,
  };
})();

if (typeof module !== 'undefined' && module.exports) module.exports = HearthCodec;
