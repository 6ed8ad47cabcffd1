// SPDX-License-Identifier: MIT
// Standard Webhooks v1 (HMAC-SHA256) against the reference library `standardwebhooks`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

import {
    assertAccepted,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

// whsec_ keys are base64 after the prefix; the library and hooks must both decode it.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_' + Buffer.from('a second, rotated signing key!!').toString('base64');
const body = JSON.stringify({
    type: 'invoice.paid',
    timestamp: '2024-05-01T12:00:00Z',
    data: { id: 'inv_1234', customer: 'Zoë Ångström', amount: 4200, note: 'naïve café ✓ 😀' },
});

function librarySigned(payload, { id = 'msg_2Lh8zfGhbgmYZt9kbWqhoM3Kaq1', timestamp = nowSeconds() } = {}) {
    const wh = new Webhook(secret);
    return {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': wh.sign(id, new Date(timestamp * 1000), payload),
    };
}

describe('standard: library signs, hooks verifies', () => {
    test('hooks verify --provider standard accepts', () => {
        assertAccepted(hooksVerify({ provider: 'standard', secrets: secret, body, headers: librarySigned(body) }));
    });

    test('hooks verify --provider auto accepts', () => {
        const result = hooksVerify({ secrets: secret, body, headers: librarySigned(body), args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        const verdict = JSON.parse(result.stdout);
        assert.equal(verdict.provider, 'standard');
        assert.equal(verdict.valid, true);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const headers = librarySigned(body);
        const changed = tamper(body);
        assertRejected(hooksVerify({ provider: 'standard', secrets: secret, body: changed, headers }), /signature/);
        assert.throws(() => new Webhook(secret).verify(changed, headers), WebhookVerificationError);
    });

    test('a header with several signatures, one of them valid, is accepted', () => {
        // The shape of the library's own "multi sig payload is valid" test.
        const headers = librarySigned(body);
        headers['webhook-signature'] = [
            'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
            'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
            headers['webhook-signature'],
            'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
        ].join(' ');
        new Webhook(secret).verify(body, headers);
        assertAccepted(hooksVerify({ provider: 'standard', secrets: secret, body, headers }));
    });

    test('a timestamp 400 s in the future is rejected by both', () => {
        const headers = librarySigned(body, { timestamp: nowSeconds() + 400 });
        assert.throws(() => new Webhook(secret).verify(body, headers), /too new/);
        assertRejected(hooksVerify({ provider: 'standard', secrets: secret, body, headers }), /future|new|ahead/);
    });

    test('an empty signature "v1," never matches', () => {
        const headers = { ...librarySigned(body), 'webhook-signature': 'v1,' };
        assert.throws(() => new Webhook(secret).verify(body, headers), WebhookVerificationError);
        assertRejected(hooksVerify({ provider: 'standard', secrets: secret, body, headers }));
    });
});

describe('standard: hooks signs, library verifies', () => {
    test('the library accepts hooks sign --provider standard', () => {
        const signed = hooksSign({ provider: 'standard', secrets: secret, body });
        assert.deepEqual(signed.headers.map(([name]) => name), ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
        assert.deepEqual(new Webhook(secret).verify(body, signed.object()), JSON.parse(body));
    });

    test('the library reproduces the signature for a fixed id and timestamp', () => {
        const signed = hooksSign({ provider: 'standard', secrets: secret, body, id: 'msg_fixed', timestamp: 1714564800 });
        assert.equal(signed.get('webhook-signature'), new Webhook(secret).sign('msg_fixed', new Date(1714564800 * 1000), body));
    });

    test('a key given without the whsec_ prefix signs the same', () => {
        const bare = secret.slice('whsec_'.length);
        const signed = hooksSign({ provider: 'standard', secrets: bare, body });
        new Webhook(secret).verify(body, signed.object());
        new Webhook(bare).verify(body, signed.object());
    });

    test('two secrets (rotation) give two v1 signatures, each verifiable', () => {
        const signed = hooksSign({ provider: 'standard', secrets: [secret, otherSecret], body });
        assert.match(signed.get('webhook-signature'), /^v1,\S+ v1,\S+$/);
        new Webhook(secret).verify(body, signed.object());
        new Webhook(otherSecret).verify(body, signed.object());
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'standard', secrets: secret, body });
        const changed = tamper(body);
        assert.throws(() => new Webhook(secret).verify(changed, signed.object()), /No matching signature/);
        assertRejected(hooksVerify({ provider: 'standard', secrets: secret, body: changed, headers: signed.headers }));
    });
});
