// SPDX-License-Identifier: MIT
// The inspector's defences, over plain HTTP from Node (no browser): a socket bound to loopback
// only, DNS rebinding (a Host other than the loopback names with the right port gets 421), the
// per-run token on every /api/ request, cross-site POSTs refused (Origin, Sec-Fetch-Site,
// Content-Type), the CSP header on every response, only the page's own files served, and replay
// going only to the configured destination (`listen --forward-to`), whatever URL the request body
// names; 409 without one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { startReceiver } from '../interop/support/hooks.mjs';
import {
    api,
    apiJson,
    deliver,
    expectedCsp,
    request,
    startInspect,
    startListen,
    startRecorder,
    tempDir,
    testTimeout,
    waitForDeliveries,
} from './support/inspector.mjs';

const body = JSON.stringify({ hello: 'inspector' });

describe('inspector security', () => {
    let forwardTarget;
    let elsewhere;
    let listen;
    let ui;

    before(async () => {
        forwardTarget = await startReceiver(() => ({ ok: true }));
        elsewhere = await startReceiver(() => ({ ok: true }));
        listen = await startListen(['--forward-to', forwardTarget.url('/app')]);
        ui = listen.ui;
        assert.equal(await deliver(`${listen.url}/hook`, body), 200);
        await waitForDeliveries(ui, 1);
    });

    after(async () => {
        await listen?.stop();
        await forwardTarget?.close();
        await elsewhere?.close();
    });

    test('the inspector listens on loopback only, with a 32-hex-digit token', { timeout: testTimeout }, () => {
        assert.equal(new URL(ui.origin).hostname, '127.0.0.1');
        assert.match(ui.token, /^[0-9a-f]{32}$/);
        assert.notEqual(ui.port, new URL(listen.url).port);
    });

    test('the inspector\'s socket is bound to 127.0.0.1 only (read from /proc/net/tcp, no packet sent)', { timeout: testTimeout, skip: !existsSync('/proc/net/tcp') }, () => {
        const port = ui.port.toString(16).toUpperCase().padStart(4, '0');
        const listening = [];
        for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
            if (!existsSync(table)) {
                continue;
            }
            for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
                const [, local, , state] = line.trim().split(/\s+/);
                if (local?.endsWith(`:${port}`) && state === '0A') {
                    listening.push(local.split(':')[0]);
                }
            }
        }
        // 127.0.0.1 as /proc writes it (little-endian); ::1 would be 00000000000000000000000001000000.
        assert.ok(listening.length > 0, `nothing listens on port ${ui.port}`);
        for (const address of listening) {
            assert.ok(['0100007F', '00000000000000000000000001000000'].includes(address), `port ${ui.port} is bound to ${address}`);
        }
    });

    test('a foreign Host header gets 421, on the page and on the API', { timeout: testTimeout }, async () => {
        const hosts = ['evil.example', `evil.example:${ui.port}`, `127.0.0.1:${ui.port + 1 > 65535 ? 1 : ui.port + 1}`,
            `127.0.0.1.evil.example:${ui.port}`, `localhost.evil.example:${ui.port}`, `127.0.0.2:${ui.port}`];
        for (const host of hosts) {
            const page = await request(`${ui.origin}/`, { headers: { Host: host } });
            assert.equal(page.status, 421, `GET / with Host: ${host}`);
            const info = await api(ui, '/api/info', { headers: { Host: host } });
            assert.equal(info.status, 421, `GET /api/info with Host: ${host}`);
            assert.ok(!info.text().includes('"mode"'), 'the API answered a foreign Host');
        }
    });

    test('the loopback names with the right port are accepted', { timeout: testTimeout }, async () => {
        for (const host of [`127.0.0.1:${ui.port}`, `localhost:${ui.port}`, `[::1]:${ui.port}`]) {
            assert.equal((await request(`${ui.origin}/`, { headers: { Host: host } })).status, 200, `Host: ${host}`);
            assert.equal((await api(ui, '/api/info', { headers: { Host: host } })).status, 200, `Host: ${host}`);
        }
    });

    test('every /api/ GET needs the token', { timeout: testTimeout }, async () => {
        for (const path of ['/api/info', '/api/deliveries', '/api/deliveries/1', '/api/deliveries/1/har', '/api/deliveries/1/jsonl']) {
            assert.equal((await api(ui, path, { token: null })).status, 403, `${path} without a token`);
            assert.equal((await api(ui, path, { token: '0'.repeat(32) })).status, 403, `${path} with a wrong token`);
            assert.equal((await api(ui, path, { token: ui.token.toUpperCase() })).status, 403, `${path} with the token upper-cased`);
            assert.equal((await api(ui, path, { token: ui.token.slice(0, 31) })).status, 403, `${path} with a short token`);
            assert.equal((await api(ui, path)).status, 200, `${path} with the token`);
        }
        const forbidden = await api(ui, '/api/info', { token: null });
        assert.ok(typeof forbidden.json().error === 'string', 'errors are {"error": "..."}');
        assert.equal((await request(`${ui.origin}/api/stream`)).status, 403, 'the stream without a token');
        assert.equal((await request(`${ui.origin}/api/stream?token=${'0'.repeat(32)}`)).status, 403, 'the stream with a wrong token');
        // With the token, in its header or in the query, the stream brings the delivery as one batch.
        for (const [query, headers] of [['?after=0', { 'X-Hooks-Token': ui.token }], [`?token=${ui.token}&after=0`, {}]]) {
            const stream = await request(`${ui.origin}/api/stream${query}`, { headers });
            assert.equal(stream.status, 200, `the stream ${query} with the token`);
            assert.match(stream.text(), /^retry: 250\n\nid: 1\nevent: deliveries\ndata: \[\[1,/, stream.text());
        }
    });

    test('a POST without the token, with a wrong one, or only in the query is refused with 403', { timeout: testTimeout }, async () => {
        for (const path of ['/api/deliveries/1/replay', '/api/deliveries/1/check']) {
            const payload = path.endsWith('check') ? { headers: [], body_text: body, resign: false } : {};
            assert.equal((await api(ui, path, { method: 'POST', body: payload, token: null })).status, 403, `${path} without a token`);
            assert.equal((await api(ui, path, { method: 'POST', body: payload, token: 'f'.repeat(32) })).status, 403, `${path} with a wrong token`);
            assert.equal((await api(ui, `${path}?token=${ui.token}`, { method: 'POST', body: payload, token: null })).status, 403,
                `${path} with the token only in the query`);
        }
        assert.equal(forwardTarget.seen.length, 1, 'a refused replay went out');
    });

    test('a cross-site POST is refused with 403: Origin of another site, Sec-Fetch-Site, a form content type', { timeout: testTimeout }, async () => {
        const path = '/api/deliveries/1/replay';
        const cases = [
            { Origin: 'http://evil.example' },
            { Origin: `http://evil.example:${ui.port}` },
            { Origin: `http://127.0.0.1:${ui.port + 1 > 65535 ? 1 : ui.port + 1}` },
            { Origin: 'null' },
            { 'Sec-Fetch-Site': 'cross-site' },
            { 'Sec-Fetch-Site': 'same-site' },
        ];
        for (const headers of cases) {
            assert.equal((await api(ui, path, { method: 'POST', body: {}, headers })).status, 403, JSON.stringify(headers));
        }
        for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
            const response = await api(ui, path, { method: 'POST', body: '{}', headers: { 'Content-Type': contentType } });
            assert.equal(response.status, 403, `Content-Type: ${contentType}`);
        }
        assert.equal((await api(ui, path, { method: 'POST', body: '{}' })).status, 403, 'no Content-Type');
        assert.equal(forwardTarget.seen.length, 1, 'a refused replay went out');
        // The same request from the page itself passes.
        const same = await api(ui, path, { method: 'POST', body: {}, headers: { Origin: ui.origin, 'Sec-Fetch-Site': 'same-origin' } });
        assert.equal(same.status, 200, same.text());
        assert.equal(forwardTarget.seen.length, 2);
    });

    test('every response carries the Content-Security-Policy', { timeout: testTimeout }, async () => {
        const responses = {
            'GET /': await request(`${ui.origin}/`),
            'GET /index.html': await request(`${ui.origin}/index.html`),
            'GET /missing.js': await request(`${ui.origin}/missing.js`),
            'GET /api/info': await api(ui, '/api/info'),
            'GET /api/info without token': await api(ui, '/api/info', { token: null }),
            'GET /api/deliveries/404': await api(ui, '/api/deliveries/404'),
            'GET /api/deliveries/1/jsonl': await api(ui, '/api/deliveries/1/jsonl'),
            'GET / with a foreign Host': await request(`${ui.origin}/`, { headers: { Host: 'evil.example' } }),
            'POST replay without token': await api(ui, '/api/deliveries/1/replay', { method: 'POST', body: {}, token: null }),
        };
        for (const [what, response] of Object.entries(responses)) {
            assert.equal(response.headers['content-security-policy'], expectedCsp, what);
        }
        assert.equal(responses['GET /'].status, 200);
        assert.match(responses['GET /'].headers['content-type'], /^text\/html\b/);
        assert.equal(responses['GET /missing.js'].status, 404);
        assert.equal(responses['GET /api/deliveries/404'].status, 404);
    });

    test('only the page\'s own files are served: no traversal, no subfolders', { timeout: testTimeout }, async () => {
        for (const path of ['/../CMakeLists.txt', '/..%2fCMakeLists.txt', '/%2e%2e/CMakeLists.txt', '/..%2f..%2fetc%2fpasswd',
            '/%2fetc%2fpasswd', '/sub/index.html', '/index.html%00.png', '/.git/config', '/CMakeLists.txt']) {
            const response = await request(`${ui.origin}${path}`);
            assert.ok([400, 404].includes(response.status), `${path}: ${response.status}`);
            assert.ok(!/cmake_minimum_required|root:x:0:0|\[core\]/.test(response.text()), `${path} leaked a file`);
        }
    });

    test('replay goes to the --forward-to destination only, whatever URL the body names', { timeout: testTimeout }, async () => {
        const before = forwardTarget.seen.length;
        const sneaky = elsewhere.url('/stolen');
        const asRecorded = await api(ui, '/api/deliveries/1/replay', {
            method: 'POST', body: { url: sneaky, to: sneaky, destination: sneaky, target: sneaky, replay_to: sneaky },
        });
        assert.equal(asRecorded.status, 200, asRecorded.text());
        assert.ok(asRecorded.json().url.startsWith(forwardTarget.url('')), `replayed to ${asRecorded.json().url}`);
        assert.equal(asRecorded.json().status, 200);
        const edited = await api(ui, '/api/deliveries/1/replay', {
            method: 'POST',
            body: { headers: [['Content-Type', 'application/json'], ['Host', elsewhere.authority]], body_text: '{"edited":1}', resign: false, url: sneaky },
        });
        assert.equal(edited.status, 200, edited.text());
        assert.ok(edited.json().url.startsWith(forwardTarget.url('')), `replayed to ${edited.json().url}`);
        assert.equal(forwardTarget.seen.length, before + 2);
        assert.equal(forwardTarget.seen.at(-1).raw.toString(), '{"edited":1}');
        assert.equal(elsewhere.seen.length, 0, 'a replay went to the URL the request named');
    });
});

describe('inspector security: no replay destination', () => {
    let tmp;
    let listen;
    let inspect;

    before(async () => {
        tmp = tempDir();
        const log = tmp.file('one.jsonl');
        const recorder = await startRecorder(log);
        assert.equal(await deliver(`${recorder.url}/hook`, body), 200);
        await recorder.stop();
        inspect = await startInspect(log);
        listen = await startListen();
        assert.equal(await deliver(`${listen.url}/hook`, body), 200);
        await waitForDeliveries(listen.ui, 1);
    });

    after(async () => {
        await listen?.stop();
        await inspect?.stop();
        tmp?.remove();
    });

    test('replay answers 409 without --forward-to (listen) or --to (inspect), even given a URL', { timeout: testTimeout }, async () => {
        const sink = await startReceiver(() => ({ ok: true }));
        try {
            for (const [what, ui] of [['listen', listen.ui], ['inspect', inspect.ui]]) {
                assert.equal((await apiJson(ui, '/api/info')).replay_to, null, what);
                for (const payload of [{}, { url: sink.url('/x') }, { headers: [], body_text: body, resign: false, url: sink.url('/x') }]) {
                    const response = await api(ui, '/api/deliveries/1/replay', { method: 'POST', body: payload });
                    assert.equal(response.status, 409, `${what}: ${JSON.stringify(payload)}: ${response.text()}`);
                    assert.equal(typeof response.json().error, 'string');
                }
            }
            assert.equal(sink.seen.length, 0);
        } finally {
            await sink.close();
        }
    });
});
