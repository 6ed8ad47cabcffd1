// SPDX-License-Identifier: MIT
// `hooks send` against real receivers: a node:http server on 127.0.0.1 (port 0) that checks each
// delivery the way the provider's own documentation or official library does, answering 200 when
// the signature is valid and 401 otherwise. Every event a seed platform lists (`hooks providers
// NAME --json`) is sent once with `--retries 0`; the official libraries get several events each.
// Codex is not here: its document (seeds/codex-webhooks.txt) shows no signature or verifier.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { Signature as HubSpotSignature } from '@hubspot/api-client';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import Mux from '@mux/mux-node';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import coinbase from 'coinbase-commerce-node';
import Razorpay from 'razorpay';
import { WebhooksHelper as SquareWebhooksHelper } from 'square';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';

import { eventsOf, requireHooks, runHooksAsync, startReceiver } from './support/hooks.mjs';

requireHooks();

/// `hooks send URL --provider P --event E --secret S --retries 0 ...`; returns the process result
/// and the one request the receiver saw for it.
async function send(receiver, path, { provider, event, secret, args = [] }) {
    const earlier = receiver.seen.length;
    const result = await runHooksAsync([
        'send', receiver.url(path), `--provider=${provider}`, `--event=${event}`, `--secret=${secret}`,
        '--retries', '0', ...args,
    ]);
    const requests = receiver.seen.slice(earlier);
    assert.equal(requests.length, 1, `${provider} ${event}: expected one request, got ${requests.length}; ` +
        `exit ${result.status}, stderr: ${result.stderr}`);
    const [request] = requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, path);
    return { result, request };
}

function describeRejection(request) {
    const { raw, headers, status, ok, ...details } = request;
    delete details.method; delete details.url; delete details.body;
    return `receiver answered ${status}: ${JSON.stringify(details)}; body: ${raw.toString('utf8').slice(0, 300)}`;
}

function assertDelivered({ result, request }, what) {
    assert.equal(request.status, 200, `${what}: ${describeRejection(request)}`);
    assert.equal(result.status, 0, `${what}: hooks send exit ${result.status}: ${result.stdout}${result.stderr}`);
}

const hmacHex = (secret, data) => createHmac('sha256', secret).update(data).digest('hex');

/// What an Express handler behind express.json() gets as req.body: the JSON parsed from the raw
/// bytes (UTF-8), only for an application/json Content-Type (else {}), and in strict mode only an
/// object or array (else 400).
function expressJsonBody(raw, headers) {
    const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
        return { body: {} };
    }
    const text = raw.toString('utf8');
    if (!/^[\s]*[[{]/.test(text)) {
        return { status: 400 };
    }
    try {
        return { body: JSON.parse(text) };
    } catch {
        return { status: 400 };
    }
}

// Each seed verifier does exactly what its document shows, over req.body from express.json().
const seedPlatforms = [
    {
        // codenx-webhooks.txt: expected = createHmac('sha256', secret)
        //   .update(JSON.stringify(req.body)).digest('hex'); `if (signature !== expected)` -> 401.
        name: 'codenx',
        verify(body, headers, secret) {
            const signature = headers['x-codenx-signature'];
            const expected = hmacHex(secret, JSON.stringify(body));
            return { ok: !(signature !== expected), computed: expected, got: signature };
        },
        envelope(body, event) {
            assert.equal(body.event, event);
            for (const field of ['timestamp', 'collection', 'tenant_id', 'user_id', 'record', 'previous', 'diff']) {
                assert.ok(field in body, `codenx ${event}: no ${field} in the envelope`);
            }
            assert.equal(typeof body.collection, 'string');
            assert.ok(!Number.isNaN(Date.parse(body.timestamp)), `codenx ${event}: timestamp ${body.timestamp}`);
        },
    },
    {
        // cognexia-webhooks.txt, "3. Verify Signatures": hmac = createHmac('sha256', secret)
        //   .update(JSON.stringify(payload)).digest('hex'); crypto.timingSafeEqual(Buffer.from(signature),
        //   Buffer.from(hmac)), which throws on a length mismatch (Express answers 500 then). The
        // document's "Complete Implementation Example" calls an undefined verifySignature() on an
        // express.raw() Buffer; the quick-start form (express.json()) is the one implemented here.
        name: 'cognexia',
        verify(body, headers, secret) {
            const signature = headers['x-cognexia-signature'];
            const hmac = hmacHex(secret, JSON.stringify(body));
            try {
                return { ok: timingSafeEqual(Buffer.from(signature), Buffer.from(hmac)), computed: hmac, got: signature };
            } catch (error) {
                return { ok: false, status: 500, computed: hmac, got: signature, error: error.message };
            }
        },
        envelope(body, event) {
            assert.equal(body.type, event);
            assert.equal(typeof body.data, 'object');
            assert.notEqual(body.data, null);
        },
    },
    {
        // fluxbase-webhooks.txt: FluxbaseClient.verifyWebhookSignature(req.body, signature, secret)
        // after express.json(); its body is not shown. Taken, as hooks does, as the hex HMAC-SHA256
        // of JSON.stringify(payload) compared with the x-fluxbase-signature header.
        name: 'fluxbase',
        verify(body, headers, secret) {
            const signature = headers['x-fluxbase-signature'];
            const expected = hmacHex(secret, JSON.stringify(body));
            return { ok: signature === expected, computed: expected, got: signature };
        },
        envelope(body, event) {
            assert.equal(body.event, event);
            for (const field of ['table', 'schema', 'record', 'old_record', 'timestamp', 'webhook_id']) {
                assert.ok(field in body, `fluxbase ${event}: no ${field} in the envelope`);
            }
            assert.equal(typeof body.record, 'object');
            // "old_record: Previous state (only for UPDATE and DELETE)"; INSERT shows null.
            if (event === 'INSERT') {
                assert.equal(body.old_record, null);
            } else {
                assert.equal(typeof body.old_record, 'object');
                assert.notEqual(body.old_record, null);
            }
        },
    },
    {
        // centrali-webhooks.txt: hash = createHmac('sha256', secret).update(JSON.stringify(payload))
        //   .digest('hex'); return `sha256=${hash}` === signature;
        name: 'centrali',
        verify(body, headers, secret) {
            const signature = headers['x-centrali-signature'];
            const hash = hmacHex(secret, JSON.stringify(body));
            return { ok: `sha256=${hash}` === signature, computed: `sha256=${hash}`, got: signature };
        },
        envelope(body, event) {
            assert.equal(body.event, event);
            assert.equal(typeof body.workspace, 'string');
            assert.ok(!Number.isNaN(Date.parse(body.timestamp)), `centrali ${event}: timestamp ${body.timestamp}`);
            assert.equal(typeof body.data, 'object');
            if (event.startsWith('record.')) {
                assert.equal(typeof body.data.structure, 'string');
                assert.equal(typeof body.data.recordId, 'string');
                assert.equal(typeof body.data.record, 'object');
            }
        },
    },
];

for (const platform of seedPlatforms) {
    const secret = `${platform.name}-webhook-secret`;
    const path = `/webhooks/${platform.name}`;

    describe(`send ${platform.name}: the seed document's verifier accepts every event`, () => {
        let receiver;
        before(async () => {
            receiver = await startReceiver((raw, headers) => {
                const parsed = expressJsonBody(raw, headers);
                if (parsed.status) {
                    return { ok: false, status: parsed.status, error: 'express.json() rejects the body' };
                }
                return { ...platform.verify(parsed.body, headers, secret), body: parsed.body };
            });
        });
        after(() => receiver.close());

        for (const event of eventsOf(platform.name)) {
            test(`${event}: delivered, valid, in the documented envelope`, async () => {
                const delivery = await send(receiver, path, { provider: platform.name, event, secret });
                assertDelivered(delivery, `${platform.name} ${event}`);
                const { raw, body } = delivery.request;
                platform.envelope(body, event);
                // Compact JSON that round-trips: JSON.stringify(req.body) is the raw body itself.
                assert.equal(JSON.stringify(body), raw.toString('utf8'));
            });
        }

        test('a wrong secret: the receiver answers 401 and hooks send exits 1', async () => {
            const event = eventsOf(platform.name)[0];
            const delivery = await send(receiver, path, { provider: platform.name, event, secret: `${secret}-wrong` });
            assert.equal(delivery.request.status, 401, describeRejection(delivery.request));
            assert.equal(delivery.result.status, 1, delivery.result.stderr);
        });
    });
}

// Official libraries: each verifies the raw body with the headers as node:http presents them.
const stripe = new Stripe('sk_test_interop_not_a_real_key'); // never used for an API call
const libraryProviders = [
    {
        // stripe.webhooks.constructEvent(rawBody, Stripe-Signature, whsec_ verbatim).
        name: 'stripe',
        secret: 'whsec_test_9f2c!interop-secret',
        verify(raw, headers, secret) {
            const event = stripe.webhooks.constructEvent(raw, headers['stripe-signature'], secret);
            return { ok: true, body: event };
        },
        envelope(body, event, request, id) {
            assert.equal(body.object, 'event');
            assert.equal(body.type, event);
            assert.match(body.id, /^evt_/);
            if (id !== undefined) {
                assert.equal(body.id, id);
            }
            assert.equal(typeof body.data.object, 'object');
        },
        id: 'evt_1InteropSendTest0001',
    },
    {
        // new Webhook(whsec_ key).verify(rawBody, {webhook-id, webhook-timestamp, webhook-signature}).
        name: 'standard',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        verify(raw, headers, secret) {
            return { ok: true, body: new StandardWebhook(secret).verify(raw.toString('utf8'), headers) };
        },
        envelope(body, event, request, id) {
            assert.equal(body.type, event);
            assert.equal(typeof body.data, 'object');
            assert.ok(request.headers['webhook-id'], 'no webhook-id header');
            if (id !== undefined) {
                assert.equal(request.headers['webhook-id'], id);
            }
            assert.match(request.headers['webhook-timestamp'], /^\d+$/);
        },
        id: 'msg_2InteropSendTest0001',
    },
    {
        // new Webhook(whsec_ key).verify(rawBody, {svix-id, svix-timestamp, svix-signature}).
        name: 'svix',
        secret: 'whsec_' + Buffer.from('an interop signing key for svix!').toString('base64'),
        verify(raw, headers, secret) {
            return { ok: true, body: new SvixWebhook(secret).verify(raw.toString('utf8'), headers) };
        },
        envelope(body, event, request, id) {
            assert.equal(body.type, event);
            assert.ok(request.headers['svix-id'], 'no svix-id header');
            if (id !== undefined) {
                assert.equal(request.headers['svix-id'], id);
            }
        },
        id: 'msg_3InteropSendTest0001',
    },
    {
        // @octokit/webhooks-methods verify(secret, rawBody, X-Hub-Signature-256).
        name: 'github',
        secret: 'It\'s a Secret to Everybody',
        async verify(raw, headers, secret) {
            const signature = headers['x-hub-signature-256'];
            const ok = await octokitVerify(secret, raw.toString('utf8'), signature);
            return { ok, body: JSON.parse(raw.toString('utf8')), got: signature };
        },
        envelope(body, event, request) {
            const [name, action] = event.split('.');
            assert.equal(request.headers['x-github-event'], name);
            assert.ok(request.headers['x-github-delivery'], 'no X-GitHub-Delivery header');
            if (action !== undefined) {
                assert.equal(body.action, action);
            }
        },
    },
];

for (const provider of libraryProviders) {
    const path = `/webhooks/${provider.name}`;

    describe(`send ${provider.name}: the official library accepts`, () => {
        let receiver;
        before(async () => {
            receiver = await startReceiver((raw, headers) => provider.verify(raw, headers, provider.secret));
        });
        after(() => receiver.close());

        for (const event of eventsOf(provider.name)) {
            test(`${event}: delivered and verified`, async () => {
                const delivery = await send(receiver, path, { provider: provider.name, event, secret: provider.secret });
                assertDelivered(delivery, `${provider.name} ${event}`);
                provider.envelope(delivery.request.body, event, delivery.request);
            });
        }

        if (provider.id !== undefined) {
            test('--id lands where the library reads the id', async () => {
                const event = eventsOf(provider.name)[0];
                const delivery = await send(receiver, path, {
                    provider: provider.name, event, secret: provider.secret, args: [`--id=${provider.id}`],
                });
                assertDelivered(delivery, `${provider.name} ${event} --id`);
                provider.envelope(delivery.request.body, event, delivery.request, provider.id);
            });
        }

        test('a wrong secret: the library rejects (401) and hooks send exits 1', async () => {
            const event = eventsOf(provider.name)[0];
            const wrong = provider.name === 'standard' || provider.name === 'svix'
                ? 'whsec_' + Buffer.from('not the receiver\'s signing key').toString('base64')
                : `${provider.secret}-wrong`;
            const delivery = await send(receiver, path, { provider: provider.name, event, secret: wrong });
            assert.equal(delivery.request.status, 401, describeRejection(delivery.request));
            assert.equal(delivery.result.status, 1, delivery.result.stderr);
        });
    });
}

// The providers `hooks` signs as profiles, each checked by its official library. Square and HubSpot
// sign the URL: the receiver passes its own URL (what hooks send was given) as the notification
// URL. The first three events each provider lists are sent.
// @mux/mux-node verifies with globalThis.crypto.subtle, which Node 18 does not expose by default.
globalThis.crypto ??= webcrypto;
const mux = new Mux({ tokenId: 'interop-token-id', tokenSecret: 'interop-token-secret' }); // no API call
const profileProviders = [
    {
        // WebhooksHelper.verifySignature({requestBody, signatureHeader, signatureKey, notificationUrl}).
        name: 'square',
        envelope: (body, event) => assert.equal(body.type, event),
        secret: 'Ibxx_5AKakO-3qeNVR61Dw',
        async verify(raw, headers, secret, url) {
            const ok = await SquareWebhooksHelper.verifySignature({
                requestBody: raw.toString('utf8'), signatureHeader: headers['x-square-hmacsha256-signature'],
                signatureKey: secret, notificationUrl: url,
            });
            return { ok, body: JSON.parse(raw.toString('utf8')) };
        },
    },
    {
        // Signature.isValid({signatureVersion: 'v3', url, timestamp, ...}); throws when too old.
        name: 'hubspot-v3',
        envelope: (body, event) => assert.equal(body[0].subscriptionType, event),
        secret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
        verify(raw, headers, secret, url) {
            const ok = HubSpotSignature.isValid({
                signatureVersion: 'v3', signature: headers['x-hubspot-signature-v3'], clientSecret: secret,
                requestBody: raw.toString('utf8'), url, method: 'POST',
                timestamp: Number(headers['x-hubspot-request-timestamp']),
            });
            return { ok, body: JSON.parse(raw.toString('utf8')) };
        },
    },
    {
        // Signature.isValid({signatureVersion: 'v1', ...}): secret + body, no URL.
        name: 'hubspot-v1',
        envelope: (body, event) => assert.equal(body[0].subscriptionType, event),
        secret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
        verify(raw, headers, secret) {
            const ok = headers['x-hubspot-signature-version'] === 'v1' && HubSpotSignature.isValid({
                signatureVersion: 'v1', signature: headers['x-hubspot-signature'], clientSecret: secret,
                requestBody: raw.toString('utf8'),
            });
            return { ok, body: JSON.parse(raw.toString('utf8')) };
        },
    },
    {
        // Razorpay.validateWebhookSignature(rawBody, X-Razorpay-Signature, secret).
        name: 'razorpay',
        envelope: (body, event) => assert.equal(body.event, event),
        secret: 'rzp-interop-webhook-secret!42',
        verify(raw, headers, secret) {
            const ok = Razorpay.validateWebhookSignature(raw.toString('utf8'), headers['x-razorpay-signature'], secret);
            return { ok, body: JSON.parse(raw.toString('utf8')) };
        },
    },
    {
        // mux.webhooks.unwrap(rawBody, headers, secret): throws unless valid and at most 300 s old.
        name: 'mux',
        envelope: (body, event) => assert.equal(body.type, event),
        secret: 'mux-interop-webhook-signing-secret',
        async verify(raw, headers, secret) {
            return { ok: true, body: await mux.webhooks.unwrap(raw.toString('utf8'), headers, secret) };
        },
    },
    {
        // new LinearWebhookClient(secret).parseData(rawBody, Linear-Signature): throws unless valid
        // and the body's webhookTimestamp is within 60 s.
        name: 'linear',
        envelope: (body, event) => assert.equal(`${body.type}.${body.action}`, event),
        secret: 'lin_wh_interop_8f2d1c0b9a7e6d5c4b3a2910',
        verify(raw, headers, secret) {
            return { ok: true, body: new LinearWebhookClient(secret).parseData(raw, headers['linear-signature']) };
        },
    },
    {
        // Webhook.verifyEventBody(rawBody, X-CC-Webhook-Signature, secret): throws unless valid.
        name: 'coinbase-commerce',
        envelope: (body, event) => assert.equal(body.event.type, event),
        secret: '30291a20-0bd1-4267-9b0f-e6e7b123c0bf',
        verify(raw, headers, secret) {
            const event = coinbase.Webhook.verifyEventBody(raw.toString('utf8'), headers['x-cc-webhook-signature'], secret);
            return { ok: true, body: JSON.parse(raw.toString('utf8')), event };
        },
    },
];

for (const provider of profileProviders) {
    const path = `/webhooks/${provider.name}?from=hooks-send`;

    describe(`send ${provider.name}: the official library accepts`, () => {
        let receiver;
        before(async () => {
            receiver = await startReceiver((raw, headers) => provider.verify(raw, headers, provider.secret, receiver.url(path)));
        });
        after(() => receiver.close());

        for (const event of eventsOf(provider.name).slice(0, 3)) {
            test(`${event}: delivered and verified`, async () => {
                const delivery = await send(receiver, path, { provider: provider.name, event, secret: provider.secret });
                assertDelivered(delivery, `${provider.name} ${event}`);
                provider.envelope(delivery.request.body, event);
            });
        }

        test('a wrong secret: the library rejects (401) and hooks send exits 1', async () => {
            const event = eventsOf(provider.name)[0];
            const delivery = await send(receiver, path, { provider: provider.name, event, secret: `${provider.secret}-wrong` });
            assert.equal(delivery.request.status, 401, describeRejection(delivery.request));
            assert.equal(delivery.result.status, 1, delivery.result.stderr);
        });
    });
}

// A retry is the same delivery: the receiver fails the first two attempts after letting the
// official library check each, and the third arrives 1.1 s later. Every attempt must verify,
// carry the first attempt's body and id, and for timestamped schemes a fresh signature.
const retryIdHeader = { stripe: null, standard: 'webhook-id', svix: 'svix-id', github: 'x-github-delivery' };
const timestamped = { stripe: 'stripe-signature', standard: 'webhook-signature', svix: 'svix-signature' };

describe('send retries: the official libraries accept every attempt of one delivery', () => {
    for (const provider of libraryProviders) {
        test(`${provider.name}: three attempts, one body, one id, each verified`, async () => {
            let answered = 0;
            const receiver = await startReceiver(async (raw, headers) => {
                const verdict = await provider.verify(raw, headers, provider.secret);
                answered += 1;
                return answered <= 2 ? { ...verdict, status: 503 } : verdict;
            });
            try {
                const result = await runHooksAsync([
                    'send', receiver.url(`/webhooks/${provider.name}`), `--provider=${provider.name}`,
                    `--event=${eventsOf(provider.name)[0]}`, `--secret=${provider.secret}`,
                    '--retry-schedule', '0,1100ms',
                ]);
                assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
                const attempts = receiver.seen;
                assert.equal(attempts.length, 3);
                for (const attempt of attempts) {
                    assert.equal(attempt.ok, true, describeRejection(attempt));
                    assert.deepEqual(attempt.raw, attempts[0].raw, 'a retry carried another body');
                }
                const idHeader = retryIdHeader[provider.name];
                const ids = attempts.map((a) => (idHeader ? a.headers[idHeader] : a.body.id));
                assert.ok(ids[0], 'no delivery id');
                assert.deepEqual(ids, [ids[0], ids[0], ids[0]]);
                const signature = timestamped[provider.name];
                if (signature) {
                    assert.notEqual(attempts[2].headers[signature], attempts[0].headers[signature],
                        'the third attempt, a second later, was not signed afresh');
                }
            } finally {
                await receiver.close();
            }
        });
    }
});
