// SPDX-License-Identifier: MIT
// The seed platforms (CodeNx, CognexiaAI, Fluxbase, Centrali) publish no library, only sample
// verifiers in the seed documents the product was built from (seeds/*.txt). Each verifier below
// does exactly what its document shows: the handler gets the body as parsed JSON (express.json()),
// and the HMAC is taken over JSON.stringify(payload), not over the raw bytes. That equals the raw
// body only for compact JSON that round-trips, which is the trap the last cases pin down.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, test } from 'node:test';

import { assertAccepted, assertRejected, hooksSign, hooksVerify, tamper } from './support/hooks.mjs';

const hmacHex = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

// What express.json() hands the handler as req.body.
const asReceived = (rawBody) => JSON.parse(Buffer.from(rawBody).toString('utf8'));

const platforms = [
    {
        // codenx-webhooks.txt: `if (signature !== expected)` with
        // expected = createHmac('sha256', secret).update(JSON.stringify(req.body)).digest('hex').
        name: 'codenx',
        header: 'x-codenx-signature',
        payload: {
            event: 'record.created', timestamp: '2024-05-01T12:00:00Z', collection: 'orders',
            tenant_id: 'tnt_1', user_id: 'usr_7', record: { id: 'rec_42', total: 99, note: 'Grüße' },
            previous: null, diff: null,
        },
        verify(rawBody, headers, secret) {
            const expected = hmacHex(secret, JSON.stringify(asReceived(rawBody)));
            return headers['x-codenx-signature'] === expected;
        },
        sign: (json, secret) => hmacHex(secret, json),
    },
    {
        // cognexia-webhooks.txt: verifyWebhookSignature(payload, signature, secret) hashes
        // JSON.stringify(payload) and compares with crypto.timingSafeEqual, which throws when the
        // lengths differ; a throw counts as a rejection here.
        name: 'cognexia',
        header: 'x-cognexia-signature',
        payload: { type: 'deal.closed', data: { id: 'deal_9', amount: 12500, currency: 'EUR', owner: 'Zoë' } },
        verify(rawBody, headers, secret) {
            const hmac = hmacHex(secret, JSON.stringify(asReceived(rawBody)));
            try {
                return timingSafeEqual(Buffer.from(headers['x-cognexia-signature'] ?? ''), Buffer.from(hmac));
            } catch {
                return false;
            }
        },
        sign: (json, secret) => hmacHex(secret, json),
    },
    {
        // fluxbase-webhooks.txt calls FluxbaseClient.verifyWebhookSignature(req.body, signature,
        // secret) after express.json() without showing its body; hooks (and this test) take it as
        // the same hex HMAC-SHA256 of JSON.stringify(payload).
        name: 'fluxbase',
        header: 'x-fluxbase-signature',
        payload: {
            event: 'UPDATE', table: 'users', schema: 'public', record: { id: 7, email: 'zoe@example.com' },
            old_record: { id: 7, email: 'zoë@example.com' }, timestamp: '2024-05-01T12:00:00Z', webhook_id: 'wh_3',
        },
        verify(rawBody, headers, secret) {
            const expected = hmacHex(secret, JSON.stringify(asReceived(rawBody)));
            return headers['x-fluxbase-signature'] === expected;
        },
        sign: (json, secret) => hmacHex(secret, json),
    },
    {
        // centrali-webhooks.txt: `return \`sha256=${hash}\` === signature;` with hash the hex HMAC
        // of JSON.stringify(payload).
        name: 'centrali',
        header: 'x-centrali-signature',
        payload: {
            event: 'record.created', workspace: 'my-workspace', timestamp: '2024-05-01T12:00:00Z',
            data: { structure: 'customers', recordId: 'rec_123', record: { name: 'Åsa', plan: 'pro' } },
        },
        verify(rawBody, headers, secret) {
            const hash = hmacHex(secret, JSON.stringify(asReceived(rawBody)));
            return `sha256=${hash}` === headers['x-centrali-signature'];
        },
        sign: (json, secret) => `sha256=${hmacHex(secret, json)}`,
    },
];

for (const platform of platforms) {
    const secret = `${platform.name}-webhook-secret`;
    const compact = JSON.stringify(platform.payload);
    const pretty = JSON.stringify(platform.payload, null, 2) + '\n';

    describe(`${platform.name}: as its documentation verifies`, () => {
        test('a compact body signed as the seed does is accepted by hooks (named provider and auto)', () => {
            const headers = { [platform.header]: platform.sign(compact, secret) };
            assert.equal(platform.verify(compact, headers, secret), true);
            assertAccepted(hooksVerify({ provider: platform.name, secrets: secret, body: compact, headers }));
            const auto = hooksVerify({ secrets: secret, body: compact, headers, args: ['--json'] });
            assert.equal(auto.status, 0, auto.stdout);
            assert.equal(JSON.parse(auto.stdout).provider, platform.name);
        });

        test('hooks sign over a compact body round-trips through the seed verifier', () => {
            const signed = hooksSign({ provider: platform.name, secrets: secret, body: compact });
            assert.deepEqual(signed.headers.map(([name]) => name), [platform.header]);
            assert.equal(signed.get(platform.header), platform.sign(compact, secret));
            assert.equal(platform.verify(compact, signed.object(), secret), true);
        });

        test('a one-byte change of the body is rejected by both', () => {
            const signed = hooksSign({ provider: platform.name, secrets: secret, body: compact });
            const changed = tamper(compact);
            assert.equal(platform.verify(changed, signed.object(), secret), false);
            const result = hooksVerify({ provider: platform.name, secrets: secret, body: changed, headers: signed.headers });
            assertRejected(result, /signature/);
        });

        test('trap: a pretty-printed body signed over its raw bytes fails the seed verifier, passes hooks verify', () => {
            const signed = hooksSign({ provider: platform.name, secrets: secret, body: pretty });
            assert.equal(platform.verify(pretty, signed.object(), secret), false);
            assertAccepted(hooksVerify({ provider: platform.name, secrets: secret, body: pretty, headers: signed.headers }));
        });

        test('trap: compact JSON that does not round-trip (10.50, \\u00e9) fails the seed verifier, passes hooks verify', () => {
            const body = '{"amount":10.50,"name":"caf\\u00e9"}';
            assert.notEqual(JSON.stringify(JSON.parse(body)), body);
            const signed = hooksSign({ provider: platform.name, secrets: secret, body });
            assert.equal(platform.verify(body, signed.object(), secret), false);
            assertAccepted(hooksVerify({ provider: platform.name, secrets: secret, body, headers: signed.headers }));
        });
    });
}
