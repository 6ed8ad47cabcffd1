// SPDX-License-Identifier: MIT
// The inspector's API from Node, no browser: `hooks listen --ui --log FILE` receives deliveries
// (UTF-8 with a trailing newline, binary with a NUL and invalid UTF-8); the list and detail
// endpoints return them byte-exact; the list sends compact rows in its named field order; the HAR
// and JSONL downloads hold the exact body and the exact log line; the event stream, opened with
// fetch and Last-Event-ID, sends one `deliveries` event of rows per batch, resumes after the seq
// it names and brings nothing older.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
    api,
    apiJson,
    deliver,
    listDeliveries,
    logLines,
    rowFields,
    startListen,
    summariesFrom,
    tempDir,
    testTimeout,
    waitForDeliveries,
} from './support/inspector.mjs';

const textBody = JSON.stringify({ greeting: 'Grüße, 世界 🌍', list: [1, 2, 3] }) + '\n';
const binaryBody = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0xc3, 0x28, 0x80, 0x7f]);
const formBody = 'a=1&b=two%20words';

/// Reads an event stream opened with fetch until the server ends it (or `timeout` ms pass):
/// {status, text, events: [{id, event, data}], summaries (every event's rows as summary objects)}.
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
    const summaries = events.flatMap((e) => summariesFrom(rowFields, e.data));
    return { status, text, events, summaries };
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
        const page = await listDeliveries(listen.ui, '?after=1&limit=1');
        assert.deepEqual(page.rows.map((row) => row[0]), [2]);
        assert.equal(page.deliveries[0].target, '/binary');
        assert.equal(page.last_seq, 3);
        const all = await apiJson(listen.ui, '/api/deliveries');
        assert.deepEqual(all.fields, rowFields);
        assert.deepEqual(Object.keys(all).sort(), ['fields', 'last_seq', 'rows']);
        assert.equal(all.rows.length, 3);
        for (const row of all.rows) {
            assert.equal(row.length, rowFields.length);
        }
        // Each value sits at its field's index, with the summary's types.
        const at = (name) => all.rows[0][rowFields.indexOf(name)];
        assert.equal(at('seq'), 1);
        assert.equal(at('target'), '/text?x=1');
        assert.equal(at('redelivery'), false);
        assert.equal(typeof at('size'), 'number');
        assert.deepEqual(all.rows[0], rowFields.map((field) => first[field]));
        const empty = await apiJson(listen.ui, '/api/deliveries?after=3');
        assert.deepEqual(empty.rows, []);
        assert.deepEqual(empty.fields, rowFields);
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
        const { status, text, events, summaries: streamed } = await readStream(listen.ui, `?token=${listen.ui.token}&after=0`, { lastEventId: 2 });
        assert.equal(status, 200);
        assert.match(text, /^retry: 250\r?\n/);
        assert.deepEqual(events.map((e) => [e.id, e.event, e.data.length]), [['3', 'deliveries', 1]]);
        assert.deepEqual(streamed.map((s) => s.seq), [3]);
        assert.equal(streamed[0].target, '/form');
        // The stream's rows are the list's rows.
        assert.deepEqual(events[0].data, (await apiJson(listen.ui, '/api/deliveries?after=2')).rows);
    });

    test('a stream from the start brings every delivery in one event whose id is the last seq', { timeout: testTimeout }, async () => {
        const { events, summaries: streamed } = await readStream(listen.ui, `?token=${listen.ui.token}&after=0`);
        assert.equal(events.length, 1);
        assert.equal(events[0].event, 'deliveries');
        assert.deepEqual(streamed.map((s) => s.seq), [1, 2, 3]);
        assert.equal(events[0].id, String(streamed.at(-1).seq));
        assert.deepEqual(streamed, summaries);
    });

    test('a stream opened after the last seq waits for the next delivery, brings it alone and ends', { timeout: testTimeout }, async () => {
        const reading = readStream(listen.ui, `?token=${listen.ui.token}`, { lastEventId: 3 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(await deliver(`${listen.url}/fourth`, '{"n":4}'), 200);
        const { status, text, events, summaries: streamed } = await reading;
        assert.equal(status, 200);
        assert.match(text, /^retry: 250\r?\n/);
        assert.deepEqual(events.map((e) => [e.id, e.event]), [['4', 'deliveries']]);
        assert.deepEqual(streamed.map((s) => s.seq), [4]);
        assert.equal(streamed[0].target, '/fourth');
    });

    test('after= alone resumes too, the batch in one event', { timeout: testTimeout }, async () => {
        const { events, summaries: streamed } = await readStream(listen.ui, `?token=${listen.ui.token}&after=2`);
        assert.deepEqual(events.map((e) => [e.id, e.event]), [['4', 'deliveries']]);
        assert.deepEqual(streamed.map((s) => s.seq), [3, 4]);
    });

    test('resuming with the id of the last event brings the next batch, nothing repeated', { timeout: testTimeout }, async () => {
        const first = await readStream(listen.ui, `?token=${listen.ui.token}&after=0`);
        const lastId = first.events.at(-1).id;
        assert.equal(lastId, '4');
        const reading = readStream(listen.ui, `?token=${listen.ui.token}`, { lastEventId: lastId });
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(await deliver(`${listen.url}/fifth`, '{"n":5}'), 200);
        assert.equal(await deliver(`${listen.url}/sixth`, '{"n":6}'), 200);
        const { events, summaries: streamed } = await reading;
        assert.ok(events.length >= 1 && events.every((e) => e.event === 'deliveries'), JSON.stringify(events));
        assert.equal(streamed[0].seq, 5, 'the resumed stream starts right after Last-Event-ID');
        assert.equal(events[0].id, String(events[0].data.at(-1)[0]));
        // The stream ends after its first batch; the sixth may come in the next one.
        const seen = streamed.map((s) => s.seq);
        if (seen.length === 1) {
            const rest = await readStream(listen.ui, `?token=${listen.ui.token}`, { lastEventId: events.at(-1).id });
            seen.push(...rest.summaries.map((s) => s.seq));
        }
        assert.deepEqual(seen, [5, 6]);
    });

    // Last: it empties the log. listen keeps each delivery's place in its log, not the line.
    test('a delivery whose log line is gone answers 410 with the reason; later ones read back', { timeout: testTimeout }, async () => {
        fs.truncateSync(log, 0);
        const shorter = await api(listen.ui, '/api/deliveries/6');
        assert.equal(shorter.status, 410);
        assert.match(JSON.parse(shorter.text()).error, /^cannot read delivery 6 back: .*api\.jsonl is shorter than when the record was written \(was it truncated\?\)$/);
        // Longer than the first delivery's line, so that the bytes where it was are another's.
        const seventhBody = JSON.stringify({ n: 7, pad: 'x'.repeat(4096) });
        assert.equal(await deliver(`${listen.url}/seventh`, seventhBody), 200);
        const replaced = await api(listen.ui, '/api/deliveries/1');
        assert.equal(replaced.status, 410);
        assert.equal(JSON.parse(replaced.text()).error,
            'cannot read delivery 1 back: the log no longer holds record 1 where it was written (was it truncated or replaced?)');
        await waitForDeliveries(listen.ui, 7);
        const seventh = await apiJson(listen.ui, '/api/deliveries/7');
        assert.equal(seventh.body_text, seventhBody);
        assert.equal(seventh.target, '/seventh');
    });
});
