// SPDX-License-Identifier: MIT
// Stripe against the official `stripe` library: stripe.webhooks.generateTestHeaderString signs,
// stripe.webhooks.constructEvent verifies. The whsec_ secret is an opaque string used verbatim.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import Stripe from 'stripe';

import {
    assertAccepted,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

const stripe = new Stripe('sk_test_interop_not_a_real_key'); // never used for an API call
// Not valid base64 after the prefix: hooks must not decode it (Standard Webhooks would).
const secret = 'whsec_test_9f2c!interop-secret';
const otherSecret = 'whsec_rotated_7a1b';
const body = JSON.stringify({
    id: 'evt_1PBwXZ2eZvKYlo2C',
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_3PBwXZ', amount: 2000, currency: 'eur', description: 'Café crème ☕' } },
});

function construct(payload, header, key = secret, receivedAtSeconds = undefined) {
    const receivedAtMs = receivedAtSeconds === undefined ? undefined : receivedAtSeconds * 1000;
    return stripe.webhooks.constructEvent(payload, header, key, undefined, undefined, receivedAtMs);
}

describe('stripe: library signs, hooks verifies', () => {
    test('hooks verify --provider stripe accepts generateTestHeaderString', () => {
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
        assertAccepted(hooksVerify({ provider: 'stripe', secrets: secret, body, headers: { 'Stripe-Signature': header } }));
    });

    test('hooks verify --provider auto accepts and detects stripe', () => {
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
        const result = hooksVerify({ secrets: secret, body, headers: { 'Stripe-Signature': header }, args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'stripe');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
        const changed = tamper(body);
        assert.throws(() => construct(changed, header), Stripe.errors.StripeSignatureVerificationError);
        const headers = { 'Stripe-Signature': header };
        assertRejected(hooksVerify({ provider: 'stripe', secrets: secret, body: changed, headers }), /signature/);
    });

    test('a whsec_ secret that is valid base64 is still used verbatim, not decoded', () => {
        const base64Looking = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: base64Looking });
        assertAccepted(hooksVerify({ provider: 'stripe', secrets: base64Looking, body, headers: { 'Stripe-Signature': header } }));
        // What a Standard Webhooks-style decoder would sign with: the base64-decoded bytes.
        const decodedKey = Buffer.from(base64Looking.slice('whsec_'.length), 'base64');
        const t = nowSeconds();
        const decodedHeader = `t=${t},v1=${createHmac('sha256', decodedKey).update(`${t}.${body}`).digest('hex')}`;
        assertRejected(hooksVerify({ provider: 'stripe', secrets: base64Looking, body, headers: { 'Stripe-Signature': decodedHeader } }));
    });

    test('two v1 signatures, the valid one second, are accepted by both', () => {
        const valid = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
        const [t, v1] = valid.split(',');
        const decoy = stripe.webhooks.generateTestHeaderString({ payload: body, secret: otherSecret }).split(',')[1];
        const header = `${t},${decoy},${v1}`;
        construct(body, header);
        assertAccepted(hooksVerify({ provider: 'stripe', secrets: secret, body, headers: { 'Stripe-Signature': header } }));
    });

    test('only a v0 signature present: rejected by both (downgrade protection)', () => {
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, scheme: 'v0' });
        assert.match(header, /^t=\d+,v0=[0-9a-f]{64}$/);
        assert.throws(() => construct(body, header), /No signatures found with expected scheme/);
        assertRejected(hooksVerify({ provider: 'stripe', secrets: secret, body, headers: { 'Stripe-Signature': header } }), /v0/);
    });

    test('a timestamp 400 s old is rejected by both', () => {
        const now = 1714564800;
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now - 400 });
        assert.throws(() => construct(body, header, secret, now), /tolerance/);
        const headers = { 'Stripe-Signature': header };
        assertRejected(hooksVerify({ provider: 'stripe', secrets: secret, body, headers, now }), /old|ago/);
    });

    test('a timestamp 400 s in the future is accepted by both (Stripe checks only the past)', () => {
        const now = 1714564800;
        const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now + 400 });
        construct(body, header, secret, now);
        assertAccepted(hooksVerify({ provider: 'stripe', secrets: secret, body, headers: { 'Stripe-Signature': header }, now }));
    });
});

describe('stripe: hooks signs, library verifies', () => {
    test('constructEvent accepts hooks sign --provider stripe', () => {
        const signed = hooksSign({ provider: 'stripe', secrets: secret, body });
        assert.match(signed.get('Stripe-Signature'), /^t=\d+,v1=[0-9a-f]{64}$/);
        const event = construct(body, signed.get('Stripe-Signature'));
        assert.equal(event.id, 'evt_1PBwXZ2eZvKYlo2C');
    });

    test('the library reproduces the header for a fixed timestamp', () => {
        const signed = hooksSign({ provider: 'stripe', secrets: secret, body, timestamp: 1714564800 });
        const expected = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: 1714564800 });
        assert.equal(signed.get('Stripe-Signature'), expected);
    });

    test('two secrets give two v1 signatures; constructEvent accepts with either secret', () => {
        const signed = hooksSign({ provider: 'stripe', secrets: [secret, otherSecret], body });
        const header = signed.get('Stripe-Signature');
        assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
        construct(body, header, secret);
        construct(body, header, otherSecret);
        assert.throws(() => construct(body, header, 'whsec_neither'), Stripe.errors.StripeSignatureVerificationError);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'stripe', secrets: secret, body });
        const changed = tamper(body);
        assert.throws(() => construct(changed, signed.get('Stripe-Signature')), Stripe.errors.StripeSignatureVerificationError);
        assertRejected(hooksVerify({ provider: 'stripe', secrets: secret, body: changed, headers: signed.headers }));
    });

    test('a timestamp given to hooks sign is the t= the library checks', () => {
        const stale = nowSeconds() - 1000;
        const signed = hooksSign({ provider: 'stripe', secrets: secret, body, timestamp: stale });
        assert.throws(() => construct(body, signed.get('Stripe-Signature')), /tolerance/);
        construct(body, signed.get('Stripe-Signature'), secret, stale + 10);
    });
});
