#!/usr/bin/env node
// Sparkplug B payloads through Eclipse Tahu's own codec (npm sparkplug-payload), so that the
// tests check farmgate's protobuf with an implementation that is not farmgate's.
//
//   node codec.js decode   stdin: one JSON per line {"topic":T,"payload":BASE64}
//                          stdout: one JSON per line {"topic":T,"payload":DECODED}, or
//                          {"topic":T,"error":WHY} for a payload Tahu cannot read
//   node codec.js encode   stdin: one JSON object as Tahu's encodePayload takes it
//                          ({"timestamp":…,"seq":…,"metrics":[{"name","alias","type","value"}]})
//                          stdout: the payload, base64
//   node codec.js selftest encodes and decodes one payload (tests/support/sparkplug/install)
//
// 64-bit numbers (Long) are written as JSON numbers: farmgate's timestamps, seqs and aliases
// are far below 2^53.
'use strict';
const sparkplug = require('sparkplug-payload').get('spBv1.0');

function plain(value) {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object' && typeof value.toNumber === 'function' && 'low' in value)
    return value.toNumber();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return { bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

function readStdin() {
  return require('fs').readFileSync(0, 'utf8');
}

const mode = process.argv[2];
if (mode === 'decode') {
  const out = [];
  for (const line of readStdin().split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line);
    try {
      const decoded = sparkplug.decodePayload(new Uint8Array(Buffer.from(m.payload, 'base64')));
      out.push(JSON.stringify({ topic: m.topic, payload: plain(decoded) }));
    } catch (e) {
      out.push(JSON.stringify({ topic: m.topic, error: String(e && e.message || e) }));
    }
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
} else if (mode === 'encode') {
  const object = JSON.parse(readStdin());
  process.stdout.write(Buffer.from(sparkplug.encodePayload(object)).toString('base64') + '\n');
} else if (mode === 'selftest') {
  const bytes = sparkplug.encodePayload({
    timestamp: 1, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 3 }] });
  const back = plain(sparkplug.decodePayload(bytes));
  if (back.metrics[0].value !== 3 || back.metrics[0].name !== 'bdSeq') {
    console.error('codec.js selftest: got', JSON.stringify(back));
    process.exit(1);
  }
} else {
  console.error('usage: node codec.js decode | encode | selftest');
  process.exit(2);
}
