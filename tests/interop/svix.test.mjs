// SPDX-License-Identifier: MIT
// Svix (Standard Webhooks under svix-* headers) against the `svix` library's Webhook class.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'svix';

import {
    assertAccepted,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

const secret = 'whsec_' + Buffer.from('svix interop signing key, 32 b!').toString('base64');
const body = JSON.stringify({
    eventType: 'message.attempt.exhausted',
    data: { appId: 'app_1', msgId: 'msg_9', note: 'Grüße' },
});

function librarySigned(payload, { id = 'msg_2Kv1pU3tQ7yB5n', timestamp = nowSeconds() } = {}) {
    return {
        'svix-id': id,
        'svix-timestamp': String(timestamp),
        'svix-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), payload),
    };
}

describe('svix: library signs, hooks verifies', () => {
    test('hooks verify --provider svix accepts', () => {
        assertAccepted(hooksVerify({ provider: 'svix', secrets: secret, body, headers: librarySigned(body) }));
    });

    test('hooks verify --provider auto accepts and detects svix', () => {
        const result = hooksVerify({ secrets: secret, body, headers: librarySigned(body), args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'svix');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const headers = librarySigned(body);
        const changed = tamper(body);
        assert.throws(() => new Webhook(secret).verify(changed, headers), WebhookVerificationError);
        assertRejected(hooksVerify({ provider: 'svix', secrets: secret, body: changed, headers }), /signature/);
    });

    test('a timestamp 400 s old is rejected by both', () => {
        const headers = librarySigned(body, { timestamp: nowSeconds() - 400 });
        assert.throws(() => new Webhook(secret).verify(body, headers), /too old/);
        assertRejected(hooksVerify({ provider: 'svix', secrets: secret, body, headers }), /old|ago/);
    });
});

describe('svix: hooks signs, library verifies', () => {
    test('the library accepts hooks sign --provider svix', () => {
        const signed = hooksSign({ provider: 'svix', secrets: secret, body });
        assert.deepEqual(signed.headers.map(([name]) => name), ['svix-id', 'svix-timestamp', 'svix-signature']);
        assert.deepEqual(new Webhook(secret).verify(body, signed.object()), JSON.parse(body));
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'svix', secrets: secret, body });
        const changed = tamper(body);
        assert.throws(() => new Webhook(secret).verify(changed, signed.object()), WebhookVerificationError);
        assertRejected(hooksVerify({ provider: 'svix', secrets: secret, body: changed, headers: signed.headers }));
    });
});

// From the svix package's own test suite, shipped in node_modules/svix/src/webhook.test.ts
// ("sign function works"; the "valid unbranded signature" test shows the same under webhook-*).
describe('svix: published test vector (svix/src/webhook.test.ts)', () => {
    const vector = {
        key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        payload: '{"test": 2432232314}',
        signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };

    test('the installed library reproduces the vector', () => {
        const signature = new Webhook(vector.key).sign(vector.id, new Date(vector.timestamp * 1000), vector.payload);
        assert.equal(signature, vector.signature);
    });

    for (const [provider, prefix] of [['svix', 'svix'], ['standard', 'webhook']]) {
        test(`hooks sign --provider ${provider} reproduces it`, () => {
            const { key, payload, id, timestamp } = vector;
            const signed = hooksSign({ provider, secrets: key, body: payload, id, timestamp });
            assert.equal(signed.get(`${prefix}-signature`), vector.signature);
        });

        test(`hooks verify --provider ${provider} accepts it at its own time, rejects it changed`, () => {
            const headers = {
                [`${prefix}-id`]: vector.id,
                [`${prefix}-timestamp`]: String(vector.timestamp),
                [`${prefix}-signature`]: vector.signature,
            };
            const now = vector.timestamp;
            assertAccepted(hooksVerify({ provider, secrets: vector.key, body: vector.payload, headers, now }));
            assertRejected(hooksVerify({ provider, secrets: vector.key, body: tamper(vector.payload), headers, now }));
        });
    }
});
