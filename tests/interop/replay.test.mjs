// SPDX-License-Identifier: MIT
// `hooks replay` against the official libraries, with logs captured the way users capture them.
// For each of stripe, standard, svix and github, `hooks listen --port 0 --log FILE` records
// deliveries signed 10 minutes ago: some made by `hooks send` with HOOKS_NOW in the past, and one
// signed by the official library itself at that time and written on a raw socket with headers in
// the provider's own (unsorted) order, mixed case and a repeated header, as a real sender does.
// Then, against a node:http receiver verifying with the library (default tolerances, 5 minutes):
// - `--provider P --secret S` signs every delivery afresh: all accepted, bodies byte-identical to
//   the log's, delivery ids (webhook-id, svix-id, Stripe's evt_ id in the body,
//   X-GitHub-Delivery) unchanged, every other header as recorded;
// - `--as-captured`, and no provider flag at all, send the recorded signatures: the library
//   rejects Stripe's, Standard Webhooks' and Svix's as too old (each was valid when recorded, as
//   the library itself confirms at the recorded time), and `hooks replay` exits 1; GitHub signs no
//   timestamp, so its captured deliveries are still accepted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';

import { childEnv, eventsOf, nowSeconds, requireHooks, runHooksAsync, startReceiver } from './support/hooks.mjs';

requireHooks();
const hooksBin = process.env.HOOKS_BIN;
const stripe = new Stripe('sk_test_interop_not_a_real_key'); // never used for an API call

/// When the captured deliveries were signed: well past every library's 5-minute tolerance.
const signedAt = nowSeconds() - 600;
/// Events sent with `hooks send` per provider (plus the one the library signs).
const sentEvents = 3;
// Not sent again (message::is_hop_by_hop); everything else goes out as recorded.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade',
    'transfer-encoding', 'expect']);

/// `hooks listen --port 0 --log LOG --quiet --count N`: resolves to {url, done} once it listens;
/// `done` resolves with its exit status after the N-th delivery.
function startListen(log, count) {
    return new Promise((resolve, reject) => {
        const child = spawn(hooksBin, ['listen', '--port', '0', '--log', log, '--quiet', '--count', String(count),
            '--timeout', '60s'], { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        const done = new Promise((resolveDone) => child.on('close', (status) => resolveDone({ status, stderr })));
        child.on('error', reject);
        child.stderr.setEncoding('utf8').on('data', (chunk) => {
            stderr += chunk;
            const listening = /^Listening on (http:\/\/\S+)\r?\n/m.exec(stderr);
            if (listening) {
                resolve({ url: listening[1], done });
            }
        });
        done.then(() => reject(new Error(`hooks listen exited before listening: ${stderr}`)));
    });
}

/// Writes one HTTP/1.1 request on a raw socket, exactly: `headers` in the given order and case.
function postRaw(url, target, headers, body) {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), hostname);
        let response = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk) => {
            response += chunk;
            if (/\r\n\r\n/.test(response)) {
                socket.destroy();
                resolve(response.split('\r\n')[0]);
            }
        });
        socket.on('error', reject);
        const head = [`POST ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)];
        socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
    });
}

const headerOf = (headers, name) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

const providers = [
    {
        name: 'stripe',
        secret: 'whsec_test_9f2c!interop-secret',
        signatureHeaders: ['stripe-signature'],
        stale: /Timestamp outside the tolerance zone/,
        // stripe.webhooks.constructEvent(rawBody, Stripe-Signature, whsec_ verbatim), 300 s.
        verify(raw, headers, secret) {
            return { ok: true, body: stripe.webhooks.constructEvent(raw, headers['stripe-signature'], secret) };
        },
        /// Whether the library accepts the recorded delivery at the time it was recorded.
        validWhenSigned(body, headers, secret) {
            const header = headerOf(headers, 'stripe-signature')[0];
            const signedAtSeconds = Number(/t=(\d+)/.exec(header)[1]);
            stripe.webhooks.constructEvent(body, header, secret, undefined, undefined, signedAtSeconds * 1000);
            return signedAtSeconds;
        },
        idOf: (body) => JSON.parse(body.toString('utf8')).id,
        timestampOf: (headers) => Number(/t=(\d+)/.exec(headerOf(headers, 'stripe-signature')[0])[1]),
        librarySigned(secret) {
            const body = Buffer.from(JSON.stringify({
                id: 'evt_1ReplayLibrarySigned01', object: 'event', api_version: '2024-06-20', created: signedAt,
                type: 'invoice.paid', data: { object: { id: 'in_1ReplayLib', object: 'invoice', amount_paid: 2000 } },
            }));
            const signature = stripe.webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret, timestamp: signedAt });
            return { body, headers: [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-cache'],
                ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'], ['Accept', '*/*; q=0.5, application/xml'],
                ['Stripe-Signature', signature], ['X-Trace', 'first'], ['x-trace', 'second']] };
        },
    },
    {
        name: 'standard',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        signatureHeaders: ['webhook-timestamp', 'webhook-signature'],
        stale: /Message timestamp too old/,
        // new Webhook(whsec_ key).verify(rawBody, headers), 300 s either way.
        verify(raw, headers, secret) {
            return { ok: true, body: new StandardWebhook(secret).verify(raw.toString('utf8'), headers) };
        },
        validWhenSigned(body, headers, secret) {
            const [id] = headerOf(headers, 'webhook-id');
            const timestamp = Number(headerOf(headers, 'webhook-timestamp')[0]);
            const expected = new StandardWebhook(secret).sign(id, new Date(timestamp * 1000), body);
            assert.ok(headerOf(headers, 'webhook-signature')[0].split(' ').includes(expected),
                'the recorded webhook-signature is not what the library signs for its id and timestamp');
            return timestamp;
        },
        idOf: (body, headers) => headerOf(headers, 'webhook-id')[0],
        timestampOf: (headers) => Number(headerOf(headers, 'webhook-timestamp')[0]),
        librarySigned(secret) {
            const id = 'msg_2ReplayLibrarySigned01';
            const body = Buffer.from(JSON.stringify({ type: 'contact.created', timestamp: new Date(signedAt * 1000).toISOString(),
                data: { id: 'c_01', email: 'ada@example.com', name: 'Ada Lovelace — café' } }));
            const signature = new StandardWebhook(secret).sign(id, new Date(signedAt * 1000), body);
            return { body, headers: [['user-agent', 'Svix-Webhooks/1.24 (sender-X1b2)'], ['content-type', 'application/json'],
                ['webhook-id', id], ['webhook-timestamp', String(signedAt)], ['webhook-signature', signature],
                ['X-Trace', 'first'], ['x-trace', 'second']] };
        },
    },
    {
        name: 'svix',
        secret: 'whsec_' + Buffer.from('an interop signing key for svix!').toString('base64'),
        signatureHeaders: ['svix-timestamp', 'svix-signature'],
        stale: /Message timestamp too old/,
        // new Webhook(whsec_ key).verify(rawBody, {svix-id, svix-timestamp, svix-signature}).
        verify(raw, headers, secret) {
            return { ok: true, body: new SvixWebhook(secret).verify(raw.toString('utf8'), headers) };
        },
        validWhenSigned(body, headers, secret) {
            const [id] = headerOf(headers, 'svix-id');
            const timestamp = Number(headerOf(headers, 'svix-timestamp')[0]);
            const expected = new SvixWebhook(secret).sign(id, new Date(timestamp * 1000), body);
            assert.ok(headerOf(headers, 'svix-signature')[0].split(' ').includes(expected),
                'the recorded svix-signature is not what the library signs for its id and timestamp');
            return timestamp;
        },
        idOf: (body, headers) => headerOf(headers, 'svix-id')[0],
        timestampOf: (headers) => Number(headerOf(headers, 'svix-timestamp')[0]),
        librarySigned(secret) {
            const id = 'msg_3ReplayLibrarySigned01';
            const body = Buffer.from(JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_01', amount: 4200 } }));
            const signature = new SvixWebhook(secret).sign(id, new Date(signedAt * 1000), body);
            return { body, headers: [['User-Agent', 'Svix-Webhooks/1.24'], ['svix-id', id], ['svix-timestamp', String(signedAt)],
                ['svix-signature', signature], ['Content-Type', 'application/json'], ['X-Trace', 'first'], ['x-trace', 'second']] };
        },
    },
    {
        name: 'github',
        secret: 'It\'s a Secret to Everybody',
        signatureHeaders: ['x-hub-signature-256'],
        stale: null, // GitHub signs no timestamp: a captured delivery stays valid
        // @octokit/webhooks-methods verify(secret, rawBody, X-Hub-Signature-256).
        async verify(raw, headers, secret) {
            const ok = await octokitVerify(secret, raw.toString('utf8'), headers['x-hub-signature-256']);
            return { ok, error: ok ? undefined : 'octokit verify: false' };
        },
        async validWhenSigned(body, headers, secret) {
            assert.ok(await octokitVerify(secret, body.toString('utf8'), headerOf(headers, 'x-hub-signature-256')[0]));
            return undefined;
        },
        idOf: (body, headers) => headerOf(headers, 'x-github-delivery')[0],
        timestampOf: () => undefined,
        async librarySigned(secret) {
            const body = Buffer.from(JSON.stringify({ zen: 'Design for failure.', hook_id: 1, action: 'opened' }));
            const signature = await octokitSign(secret, body.toString('utf8'));
            return { body, headers: [['Accept', '*/*'], ['User-Agent', 'GitHub-Hookshot/044aadd'],
                ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'], ['X-GitHub-Event', 'issues'],
                ['X-GitHub-Hook-ID', '292430182'], ['X-Hub-Signature-256', signature], ['content-type', 'application/json'],
                ['X-Trace', 'first'], ['x-trace', 'second']] };
        },
    },
];

/// Captures deliveries signed at `signedAt` into LOG with `hooks listen`; returns its records,
/// each with its body as a Buffer.
async function capture(provider, log) {
    const events = eventsOf(provider.name).slice(0, sentEvents);
    const listen = await startListen(log, events.length + 1);
    const target = `/webhooks/${provider.name}?source=capture`;
    for (const event of events) {
        const sent = await runHooksAsync(['send', `${listen.url}${target}`, `--provider=${provider.name}`,
            `--event=${event}`, `--secret=${provider.secret}`, '--retries', '0'], { env: { HOOKS_NOW: String(signedAt) } });
        assert.equal(sent.status, 0, `hooks send ${provider.name} ${event}: ${sent.stdout}${sent.stderr}`);
    }
    const { body, headers } = await provider.librarySigned(provider.secret);
    const host = new URL(listen.url).host;
    const answer = await postRaw(listen.url, target, [['Host', host], ...headers,
        ['Content-Length', String(body.length)], ['Connection', 'close']], body);
    assert.match(answer, /^HTTP\/1\.1 2\d\d /, `hooks listen answered the library-signed delivery: ${answer}`);
    const listened = await listen.done;
    assert.equal(listened.status, 0, `hooks listen: ${listened.stderr}`);
    const records = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    assert.equal(records.length, events.length + 1);
    // Log version 2 holds a body once: body_text when it is UTF-8, else body_b64.
    return records.map((record) => ({
        ...record,
        body: typeof record.body_text === 'string' ? Buffer.from(record.body_text, 'utf8') : Buffer.from(record.body_b64, 'base64'),
    }));
}

/// `hooks replay LOG --to URL --retries 0 --json ARGS`: the exit status, the per-delivery lines
/// and the summary.
async function replay(log, url, args) {
    const result = await runHooksAsync(['replay', log, '--to', url, '--retries', '0', '--json', ...args]);
    const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const summary = lines.find((line) => line.type === 'summary');
    assert.ok(summary, `no summary from hooks replay (exit ${result.status}): ${result.stdout}${result.stderr}`);
    return { ...result, deliveries: lines.filter((line) => line.type === 'delivery'), summary };
}

/// Each request the receiver saw after `earlier`, paired with the record it re-delivers (by
/// delivery id); asserts there is exactly one per record.
function pairs(provider, receiver, earlier, records) {
    const requests = receiver.seen.slice(earlier);
    assert.equal(requests.length, records.length, `expected ${records.length} requests, got ${requests.length}`);
    return records.map((record) => {
        const id = provider.idOf(record.body, record.headers);
        assert.ok(id, `no delivery id in the record: ${JSON.stringify(record.headers)}`);
        const matching = requests.filter((request) => provider.idOf(request.raw, request.rawHeaders) === id);
        assert.equal(matching.length, 1, `${provider.name} ${id}: ${matching.length} requests carry this id`);
        return { record, request: matching[0] };
    });
}

function describeRequest(request) {
    const { raw, headers, rawHeaders, body, ...details } = request;
    return `${JSON.stringify(details)}; headers ${JSON.stringify(rawHeaders)}`;
}

/// The request carries the record's method, target and body, byte for byte.
function assertSameDelivery({ record, request }) {
    assert.equal(request.method, record.method);
    assert.equal(request.url, record.target);
    assert.ok(request.raw.equals(record.body), `body differs from the log's: ${request.raw.toString('utf8').slice(0, 200)}`);
    assert.equal(request.raw.length, record.body_len);
}

/// Every recorded header (but the hop-by-hop ones, Host, and `except`) arrives with its recorded
/// value, as often as recorded; Host names the receiver.
function assertRecordedHeaders({ record, request }, receiver, except = []) {
    assert.deepEqual(headerOf(request.rawHeaders, 'host'), [receiver.authority]);
    const skip = new Set([...hopByHop, 'host', ...except]);
    for (const [name] of record.headers) {
        const lower = name.toLowerCase();
        if (!skip.has(lower)) {
            assert.deepEqual(headerOf(request.rawHeaders, lower), headerOf(record.headers, lower), `header ${name}`);
        }
    }
}

for (const provider of providers) {
    describe(`replay ${provider.name}: a log signed 10 minutes ago, against the official library`, () => {
        let directory;
        let log;
        let records;
        let receiver;
        before(async () => {
            directory = mkdtempSync(path.join(os.tmpdir(), `hooks-replay-${provider.name}-`));
            log = path.join(directory, 'deliveries.jsonl');
            records = await capture(provider, log);
            receiver = await startReceiver((raw, headers) => provider.verify(raw, headers, provider.secret));
        });
        after(async () => {
            await receiver?.close();
            if (directory) {
                rmSync(directory, { recursive: true, force: true });
            }
        });

        test('the log holds realistic stale deliveries: signed 10 minutes ago, valid then', async () => {
            for (const record of records) {
                assert.equal(record.v, 2);
                const timestamp = await provider.validWhenSigned(record.body, record.headers, provider.secret);
                if (timestamp !== undefined) {
                    assert.equal(timestamp, signedAt);
                }
                assert.equal(record.id, provider.idOf(record.body, record.headers), 'the log\'s id field');
            }
        });

        test('--provider --secret: signed afresh, every delivery accepted, bodies and ids unchanged', async () => {
            const earlier = receiver.seen.length;
            const startedAt = nowSeconds();
            const result = await replay(log, receiver.url(), [`--provider=${provider.name}`, `--secret=${provider.secret}`]);
            for (const pair of pairs(provider, receiver, earlier, records)) {
                assert.equal(pair.request.status, 200, `${provider.name}: ${describeRequest(pair.request)}`);
                assertSameDelivery(pair);
                assertRecordedHeaders(pair, receiver, provider.signatureHeaders);
                const timestamp = provider.timestampOf(pair.request.rawHeaders);
                if (timestamp !== undefined) {
                    assert.ok(timestamp >= startedAt - 1 && timestamp <= nowSeconds() + 1, `fresh timestamp: ${timestamp}`);
                }
                for (const name of provider.signatureHeaders) {
                    assert.equal(headerOf(pair.request.rawHeaders, name).length, 1, `one ${name} header`);
                }
            }
            assert.equal(result.status, 0, `hooks replay: ${result.stdout}${result.stderr}`);
            assert.equal(result.summary.delivered, records.length);
            assert.equal(result.summary.failed, 0);
            assert.deepEqual(result.deliveries.map((d) => d.id).sort(),
                records.map((r) => provider.idOf(r.body, r.headers)).sort());
        });

        for (const [what, args] of [['--as-captured', ['--as-captured']], ['no provider flag', []]]) {
            const outcome = provider.stale ? 'rejected by the library as too old; exit 1' : 'still accepted; exit 0';
            test(`${what}: the recorded headers go out untouched, ${outcome}`, async () => {
                const earlier = receiver.seen.length;
                const result = await replay(log, receiver.url(), args);
                for (const pair of pairs(provider, receiver, earlier, records)) {
                    assertSameDelivery(pair);
                    assertRecordedHeaders(pair, receiver);
                    if (provider.stale) {
                        assert.equal(pair.request.status, 401, `accepted: ${describeRequest(pair.request)}`);
                        assert.match(pair.request.error, provider.stale);
                    } else {
                        assert.equal(pair.request.status, 200, describeRequest(pair.request));
                    }
                }
                if (provider.stale) {
                    assert.equal(result.status, 1, `hooks replay: ${result.stdout}${result.stderr}`);
                    assert.equal(result.summary.delivered, 0);
                    assert.equal(result.summary.failed, records.length);
                    assert.deepEqual(result.summary.failures, { 'HTTP 401': records.length });
                    for (const delivery of result.deliveries) {
                        assert.equal(delivery.delivered, false);
                        assert.equal(delivery.attempts, 1, '--retries 0 tries once');
                        assert.equal(delivery.status, 401);
                    }
                    assert.match(result.stderr, new RegExp(`${records.length} of ${records.length} deliveries failed`));
                } else {
                    assert.equal(result.status, 0, `hooks replay: ${result.stdout}${result.stderr}`);
                    assert.equal(result.summary.delivered, records.length);
                }
            });
        }

        // hooks-replay(1) promises the recorded order and case, Content-Length in its place, and
        // nothing added by the client.
        test('headers arrive in their recorded order and case, with nothing added', async () => {
            for (const args of [['--as-captured'], [`--provider=${provider.name}`, `--secret=${provider.secret}`]]) {
                const earlier = receiver.seen.length;
                await replay(log, receiver.url(), args);
                for (const { record, request } of pairs(provider, receiver, earlier, records)) {
                    const expected = record.headers.filter(([name]) => !hopByHop.has(name.toLowerCase()))
                        .map(([name]) => name);
                    assert.deepEqual(request.rawHeaders.map(([name]) => name), expected, `${args.join(' ')}`);
                }
            }
        });
    });
}
