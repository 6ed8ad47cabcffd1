// SPDX-License-Identifier: MIT
// Razorpay against the `razorpay` SDK's Razorpay.validateWebhookSignature(body, signature, secret):
// X-Razorpay-Signature is the hex HMAC-SHA256 of the raw body with the webhook secret as text. The
// SDK has no signer, so the "library-signed" deliveries are computed with node:crypto the way
// validateWebhookSignature checks them (marked `docs-built` below). Vector: razorpay/razorpay-node
// test/utils/razorpay-utils.spec.js (docs/provider-notes/razorpay.md).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import Razorpay from 'razorpay';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    tamper,
} from './support/hooks.mjs';

const secret = 'rzp-interop-webhook-secret!42';
const body = JSON.stringify({
    entity: 'event',
    account_id: 'acc_BFQ7uQEaa7j2z7',
    event: 'payment.captured',
    contains: ['payment'],
    payload: { payment: { entity: { id: 'pay_DESlfW9H8K9uqM', amount: 100, currency: 'INR', notes: { city: 'Pune ₹' } } } },
    created_at: 1567674606,
});

const validate = (payload, signature, key = secret) => Razorpay.validateWebhookSignature(payload, signature, key);

/// docs-built: what validateWebhookSignature computes, for the delivery the SDK cannot sign.
const docsSigned = (payload, key = secret) => createHmac('sha256', key).update(payload).digest('hex');

const header = (signature) => ({ 'X-Razorpay-Signature': signature });

describe('razorpay: hooks signs, the SDK verifies', () => {
    test('validateWebhookSignature accepts hooks sign --provider razorpay', () => {
        const signed = hooksSign({ provider: 'razorpay', secrets: secret, body });
        assert.equal(validate(body, signed.get('X-Razorpay-Signature')), true);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'razorpay', secrets: secret, body });
        const changed = tamper(body);
        assert.equal(validate(changed, signed.get('X-Razorpay-Signature')), false);
        assertRejected(hooksVerify({ provider: 'razorpay', secrets: secret, body: changed, headers: signed.headers }),
            /signature/);
    });
});

describe('razorpay: docs-built delivery (SDK-checked), hooks verifies', () => {
    test('the SDK and hooks verify --provider razorpay accept', () => {
        const signature = docsSigned(body);
        assert.equal(validate(body, signature), true);
        assertAcceptedAs(hooksVerify({ provider: 'razorpay', secrets: secret, body, headers: header(signature) }),
            'razorpay');
    });

    test('hooks verify --provider auto accepts and names razorpay', () => {
        assertAcceptedAs(hooksVerify({ secrets: secret, body, headers: header(docsSigned(body)) }), 'razorpay');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signature = docsSigned(body);
        const changed = tamper(body);
        assert.equal(validate(changed, signature), false);
        assertRejected(hooksVerify({ provider: 'razorpay', secrets: secret, body: changed, headers: header(signature) }),
            /signature/);
        assertRejected(hooksVerify({ secrets: secret, body: changed, headers: header(signature) }), /signature/);
    });
});

describe('razorpay: the SDK test vector', () => {
    const vector = {
        body: '{"a":1,"b":2,"c":{"d":3}}',
        secret: '123456',
        signature: '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc',
    };

    test('both accept it, and hooks sign reproduces it', () => {
        assert.equal(validate(vector.body, vector.signature, vector.secret), true);
        assertAcceptedAs(hooksVerify({
            provider: 'razorpay', secrets: vector.secret, body: vector.body, headers: header(vector.signature),
        }), 'razorpay');
        const signed = hooksSign({ provider: 'razorpay', secrets: vector.secret, body: vector.body });
        assert.equal(signed.get('X-Razorpay-Signature'), vector.signature);
    });

    test('the SDK test\'s wrong signature "sdfafds" is rejected by both', () => {
        assert.equal(validate(vector.body, 'sdfafds', vector.secret), false);
        const result = hooksVerify({
            provider: 'razorpay', secrets: vector.secret, body: vector.body, headers: header('sdfafds'),
        });
        assertRejected(result);
    });
});
