// SPDX-License-Identifier: MIT
// Paddle Billing against @paddle/paddle-node-sdk: paddle.webhooks.isSignatureValid / unmarshal.
// Paddle-Signature is `ts=<unix>;h1=<hex HMAC-SHA256 of "<ts>:<body>">`. The SDK has no signer,
// so deliveries are built the way its WebhooksValidator checks them. Its tolerance is 5 seconds
// against the real clock, so every case here uses a fresh timestamp.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { Paddle } from '@paddle/paddle-node-sdk';

import { assertAccepted, assertRejected, hooksSign, hooksVerify, nowSeconds, tamper } from './support/hooks.mjs';

const paddle = new Paddle('pdl_sdbx_apikey_interop_not_a_real_key'); // never used for an API call
const secret = 'pdl_ntfset_01hv8x1ge3zzszhs0zpm0sj6rr_interopSecretKey123';
const body = JSON.stringify({
    event_id: 'evt_01hv8x2a1yv6mdqz4wr6ccrzxz',
    event_type: 'address.created',
    occurred_at: '2024-04-12T10:18:49.621022Z',
    notification_id: 'ntf_01hv8x2a4vjzsnp3z1x2z5rk3t',
    data: {
        id: 'add_01hv8gwdfkw5z6d1yy6pa3xyrz',
        customer_id: 'ctm_01hv8gq3318ktkfengj2r75gfx',
        first_line: 'Hauptstraße 5',
        city: 'München',
        postal_code: '80331',
        country_code: 'DE',
        status: 'active',
        created_at: '2024-04-12T06:42:58.785Z',
        updated_at: '2024-04-12T06:42:58.785Z',
    },
});

function sdkSigned(payload, timestamp = nowSeconds(), key = secret) {
    const h1 = createHmac('sha256', key).update(`${timestamp}:${payload}`).digest('hex');
    return `ts=${timestamp};h1=${h1}`;
}

describe('paddle: SDK-format delivery, hooks verifies', () => {
    test('the SDK and hooks verify --provider paddle accept', async () => {
        const header = sdkSigned(body);
        assert.equal(await paddle.webhooks.isSignatureValid(body, secret, header), true);
        assertAccepted(hooksVerify({ provider: 'paddle', secrets: secret, body, headers: { 'Paddle-Signature': header } }));
    });

    test('hooks verify --provider auto accepts and detects paddle', () => {
        const result = hooksVerify({ secrets: secret, body, headers: { 'Paddle-Signature': sdkSigned(body) }, args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'paddle');
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const header = sdkSigned(body);
        const changed = tamper(body);
        assert.equal(await paddle.webhooks.isSignatureValid(changed, secret, header), false);
        const headers = { 'Paddle-Signature': header };
        assertRejected(hooksVerify({ provider: 'paddle', secrets: secret, body: changed, headers }), /signature/);
    });

    test('a timestamp 30 s old is past the 5 s tolerance of both', async () => {
        const header = sdkSigned(body, nowSeconds() - 30);
        assert.equal(await paddle.webhooks.isSignatureValid(body, secret, header), false);
        const headers = { 'Paddle-Signature': header };
        assertRejected(hooksVerify({ provider: 'paddle', secrets: secret, body, headers }), /old|ago/);
    });
});

describe('paddle: hooks signs, SDK verifies', () => {
    test('isSignatureValid accepts hooks sign --provider paddle, and unmarshal parses the event', async () => {
        const signed = hooksSign({ provider: 'paddle', secrets: secret, body });
        const header = signed.get('Paddle-Signature');
        assert.match(header, /^ts=\d+;h1=[0-9a-f]{64}$/);
        assert.equal(await paddle.webhooks.isSignatureValid(body, secret, header), true);
        const event = await paddle.webhooks.unmarshal(body, secret, header);
        assert.equal(event.eventType, 'address.created');
        assert.equal(event.data.city, 'München');
    });

    test('the header matches the SDK-format header for the same timestamp', () => {
        const ts = nowSeconds();
        const signed = hooksSign({ provider: 'paddle', secrets: secret, body, timestamp: ts });
        assert.equal(signed.get('Paddle-Signature'), sdkSigned(body, ts));
    });

    test('two secrets (rotation) give two h1; the SDK, which reads only the last h1, accepts the second', async () => {
        const previous = 'pdl_ntfset_01hv8x1ge3zzszhs0zpm0sj6rr_previousSecret456';
        const signed = hooksSign({ provider: 'paddle', secrets: [previous, secret], body });
        const header = signed.get('Paddle-Signature');
        assert.match(header, /^ts=\d+;h1=[0-9a-f]{64};h1=[0-9a-f]{64}$/);
        assert.equal(await paddle.webhooks.isSignatureValid(body, secret, header), true);
        assert.equal(await paddle.webhooks.isSignatureValid(body, previous, header), false); // SDK limitation
        assertAccepted(hooksVerify({ provider: 'paddle', secrets: previous, body, headers: signed.headers }));
        assertAccepted(hooksVerify({ provider: 'paddle', secrets: secret, body, headers: signed.headers }));
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signed = hooksSign({ provider: 'paddle', secrets: secret, body });
        const changed = tamper(body);
        assert.equal(await paddle.webhooks.isSignatureValid(changed, secret, signed.get('Paddle-Signature')), false);
        await assert.rejects(paddle.webhooks.unmarshal(changed, secret, signed.get('Paddle-Signature')),
            /signature verification failed/);
        assertRejected(hooksVerify({ provider: 'paddle', secrets: secret, body: changed, headers: signed.headers }));
    });
});
