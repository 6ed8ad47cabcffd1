// SPDX-License-Identifier: MIT
// The inspector's API from Node, no browser: `hooks listen --ui --log FILE` receives deliveries
// (UTF-8 with a trailing newline, binary with a NUL and invalid UTF-8); the list and detail
// endpoints return them byte-exact; the HAR and JSONL downloads hold the exact body and the
// exact log line; the event stream, opened with fetch and Last-Event-ID, resumes after the seq
// it names and brings nothing older.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    api,
    apiJson,
    deliver,
    logLines,
    startListen,
    tempDir,
    testTimeout,
    waitForDeliveries,
} from './support/inspector.mjs';

const textBody = JSON.stringify({ greeting: 'Grüße, 世界 🌍', list: [1, 2, 3] }) + '\n';
const binaryBody = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0xc3, 0x28, 0x80, 0x7f]);
const formBody = 'a=1&b=two%20words';

/// Reads an event stream opened with fetch until the server ends it (or `timeout` ms pass):
/// {status, text, events: [{id, event, data}]}.
async function readStream(ui, query, { lastEventId, timeout = 25000 } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const headers = { Accept: 'text/event-stream' };
    if (lastEventId !== undefined) {
        headers['Last-Event-ID'] = String(lastEventId);
    }
    let text = '';
    let status;
    try {
        const response = await fetch(`${ui.origin}/api/stream${query}`, { headers, signal: controller.signal });
        status = response.status;
        const decoder = new TextDecoder();
        for await (const chunk of response.body) {
            text += decoder.decode(chunk, { stream: true });
        }
    } catch (error) {
        if (error.name !== 'AbortError') {
            throw error;
        }
    } finally {
        clearTimeout(timer);
    }
    const events = [];
    for (const block of text.split(/\r?\n\r?\n/)) {
        const fields = {};
        for (const line of block.split(/\r?\n/)) {
            const match = /^([a-z]+): ?(.*)$/i.exec(line);
            if (match) {
                fields[match[1]] = fields[match[1]] === undefined ? match[2] : `${fields[match[1]]}\n${match[2]}`;
            }
        }
        if (fields.data !== undefined) {
            events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
    }
    return { status, text, events };
}

describe('inspector API', () => {
    let tmp;
    let log;
    let listen;
    let summaries;

    before(async () => {
        tmp = tempDir();
        log = tmp.file('api.jsonl');
        listen = await startListen(['--log', log]);
        assert.equal(await deliver(`${listen.url}/text?x=1`, textBody, [['X-Custom', 'Value, with comma'], ['X-Custom', 'twice']]), 200);
        assert.equal(await deliver(`${listen.url}/binary`, binaryBody, [['Content-Type', 'application/octet-stream']]), 200);
        assert.equal(await deliver(`${listen.url}/form`, formBody, [['Content-Type', 'application/x-www-form-urlencoded']]), 200);
        summaries = await waitForDeliveries(listen.ui, 3);
    });

    after(async () => {
        await listen?.stop();
        tmp?.remove();
    });

    test('the list holds summaries in ascending seq; after= and limit= page it', { timeout: testTimeout }, async () => {
        assert.deepEqual(summaries.map((s) => s.seq), [1, 2, 3]);
        const [first] = summaries;
        assert.equal(first.method, 'POST');
        assert.equal(first.target, '/text?x=1');
        assert.equal(first.size, Buffer.byteLength(textBody));
        assert.equal(first.verdict, 'unchecked');
        assert.equal(first.redelivery, false);
        assert.equal(first.attempt, 1);
        assert.match(first.received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        const page = await apiJson(listen.ui, '/api/deliveries?after=1&limit=1');
        assert.deepEqual(page.deliveries.map((s) => s.seq), [2]);
        assert.equal(page.last_seq, 3);
        const info = await apiJson(listen.ui, '/api/info');
        assert.equal(info.count, 3);
    });

    test('the detail returns headers in wire order and each body byte-exact', { timeout: testTimeout }, async () => {
        const text = await apiJson(listen.ui, '/api/deliveries/1');
        assert.equal(text.body_text, textBody);
        assert.equal(text.body_b64, undefined);
        assert.equal(text.body_is_json, true);
        const names = text.headers.map(([name]) => name);
        assert.deepEqual(names.filter((n) => n === 'X-Custom').length, 2);
        assert.deepEqual(text.headers.filter(([n]) => n === 'X-Custom').map(([, v]) => v), ['Value, with comma', 'twice']);
        assert.ok(names.indexOf('Host') < names.indexOf('Content-Type') && names.indexOf('Content-Type') < names.indexOf('X-Custom'));
        assert.match(text.curl, /^curl /);
        assert.deepEqual(text.attempts.map((a) => a.seq), [1]);
        const binary = await apiJson(listen.ui, '/api/deliveries/2');
        assert.equal(binary.body_text, undefined);
        assert.deepEqual(Buffer.from(binary.body_b64, 'base64'), binaryBody);
        assert.equal(binary.body_is_json, false);
        assert.equal((await api(listen.ui, '/api/deliveries/99')).status, 404);
    });

    test('the JSONL download is the exact log line', { timeout: testTimeout }, async () => {
        const lines = logLines(log);
        assert.equal(lines.length, 3);
        for (const seq of [1, 2, 3]) {
            const response = await api(listen.ui, `/api/deliveries/${seq}/jsonl`);
            assert.equal(response.status, 200);
            assert.match(response.headers['content-disposition'] ?? '', new RegExp(`^attachment;\\s*filename="?delivery-${seq}\\.jsonl"?$`));
            assert.equal(response.text().replace(/\n$/, ''), lines[seq - 1]);
            const record = JSON.parse(response.text());
            const body = record.body_text !== undefined ? Buffer.from(record.body_text, 'utf8') : Buffer.from(record.body_b64, 'base64');
            assert.deepEqual(body, [textBody, binaryBody, formBody].map((b) => Buffer.from(b))[seq - 1]);
        }
    });

    test('the HAR download is HAR 1.2 with one request and the exact body', { timeout: testTimeout }, async () => {
        const response = await api(listen.ui, '/api/deliveries/1/har');
        assert.equal(response.status, 200);
        assert.match(response.headers['content-disposition'] ?? '', /^attachment;\s*filename="?delivery-1\.har"?$/);
        const har = response.json();
        assert.equal(har.log.version, '1.2');
        assert.equal(har.log.entries.length, 1);
        const { request } = har.log.entries[0];
        assert.equal(request.method, 'POST');
        assert.match(request.url, /^http:\/\/[^/]+\/text\?x=1$/);
        assert.deepEqual(request.headers.filter((h) => h.name === 'X-Custom').map((h) => h.value), ['Value, with comma', 'twice']);
        assert.equal(request.postData.text, textBody);
        assert.equal(request.postData.mimeType, 'application/json');
        const form = (await api(listen.ui, '/api/deliveries/3/har')).json();
        assert.equal(form.log.entries[0].request.postData.text, formBody);
        const binary = await api(listen.ui, '/api/deliveries/2/har');
        assert.equal(binary.status, 200);
        assert.equal(binary.json().log.entries.length, 1);
    });

    test('the stream resumes after Last-Event-ID (over after=) and brings only later seqs', { timeout: testTimeout }, async () => {
        const { status, text, events } = await readStream(listen.ui, `?token=${listen.ui.token}&after=0`, { lastEventId: 2 });
        assert.equal(status, 200);
        assert.match(text, /^retry: 250\r?\n/);
        assert.deepEqual(events.map((e) => [e.id, e.event, e.data.seq]), [['3', 'delivery', 3]]);
        assert.equal(events[0].data.target, '/form');
    });

    test('a stream opened after the last seq waits for the next delivery, brings it alone and ends', { timeout: testTimeout }, async () => {
        const reading = readStream(listen.ui, `?token=${listen.ui.token}`, { lastEventId: 3 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(await deliver(`${listen.url}/fourth`, '{"n":4}'), 200);
        const { status, events } = await reading;
        assert.equal(status, 200);
        assert.deepEqual(events.map((e) => e.data.seq), [4]);
        assert.equal(events[0].id, '4');
        assert.equal(events[0].data.target, '/fourth');
    });

    test('after= alone resumes too', { timeout: testTimeout }, async () => {
        const { events } = await readStream(listen.ui, `?token=${listen.ui.token}&after=2`);
        assert.deepEqual(events.map((e) => e.data.seq), [3, 4]);
    });
});
