// SPDX-License-Identifier: MIT
// Square against the `square` SDK's WebhooksHelper.verifySignature: x-square-hmacsha256-signature
// is the base64 HMAC-SHA256, keyed with the signature key as text, of the notification URL
// followed by the body. The SDK has no signer, so the "library-signed" deliveries are computed
// with node:crypto the way its verifySignature checks them (marked `docs-built` below).
// Vectors: square/square-nodejs-sdk tests/integration/webhooks.test.ts (docs/provider-notes/square.md).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { WebhooksHelper } from 'square';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    tamper,
} from './support/hooks.mjs';

const key = 'Ibxx_5AKakO-3qeNVR61Dw';
const url = 'https://example.com/webhooks/square?source=interop';
const body = JSON.stringify({
    merchant_id: 'MLEFBHHSJGVHD',
    type: 'payment.updated',
    event_id: 'b3f1c8a2-5d0e-4c7a-9b1e-2f6a7c8d9e01',
    created_at: '2024-05-01T12:00:00Z',
    data: { type: 'payment', id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', object: { note: 'Café ✓' } },
});

const verify = (requestBody, signatureHeader, notificationUrl = url, signatureKey = key) =>
    WebhooksHelper.verifySignature({ requestBody, signatureHeader, signatureKey, notificationUrl });

/// docs-built: what verifySignature computes, for the delivery the SDK cannot sign itself.
const docsSigned = (payload, notificationUrl = url, signatureKey = key) =>
    createHmac('sha256', signatureKey).update(notificationUrl + payload).digest('base64');

const header = (signature) => ({ 'x-square-hmacsha256-signature': signature });

describe('square: hooks signs, the SDK verifies', () => {
    test('verifySignature accepts hooks sign --provider square --url', async () => {
        const signed = hooksSign({ provider: 'square', secrets: key, body, url });
        const signature = signed.get('x-square-hmacsha256-signature');
        assert.equal(await verify(body, signature), true);
        assert.equal(signature, docsSigned(body));
    });

    test('the URL is signed: the SDK rejects it for another notification URL', async () => {
        const signed = hooksSign({ provider: 'square', secrets: key, body, url });
        const signature = signed.get('x-square-hmacsha256-signature');
        assert.equal(await verify(body, signature, 'https://example.com/webhooks/square'), false);
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signed = hooksSign({ provider: 'square', secrets: key, body, url });
        const changed = tamper(body);
        assert.equal(await verify(changed, signed.get('x-square-hmacsha256-signature')), false);
        assertRejected(hooksVerify({ provider: 'square', secrets: key, body: changed, headers: signed.headers, url }),
            /signature/);
    });
});

describe('square: docs-built delivery (SDK-checked), hooks verifies', () => {
    test('the SDK and hooks verify --provider square accept', async () => {
        const signature = docsSigned(body);
        assert.equal(await verify(body, signature), true);
        assertAcceptedAs(hooksVerify({ provider: 'square', secrets: key, body, headers: header(signature), url }),
            'square');
    });

    test('hooks verify --provider auto accepts and names square', () => {
        const result = hooksVerify({ secrets: key, body, headers: header(docsSigned(body)), url });
        assertAcceptedAs(result, 'square');
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signature = docsSigned(body);
        const changed = tamper(body);
        assert.equal(await verify(changed, signature), false);
        assertRejected(hooksVerify({ provider: 'square', secrets: key, body: changed, headers: header(signature), url }),
            /signature/);
        assertRejected(hooksVerify({ secrets: key, body: changed, headers: header(signature), url }), /signature/);
    });
});

describe('square: the SDK test vectors, through the SDK and hooks verify', () => {
    const vectors = [
        {
            name: 'V1',
            key: 'Ibxx_5AKakO-3qeNVR61Dw',
            url: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
            body: '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
            signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
        },
        {
            name: 'V2',
            key: 'signature-key',
            url: 'https://webhook.site/webhooks',
            body: '{"data":{"type":"webhooks","id":"fake_id"}}',
            signature: 'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
        },
        {
            name: 'V3 (raw > and <)',
            key: 'signature-key',
            url: 'https://webhook.site/webhooks',
            body: '{"data":{"type":"webhooks","id":">id<"}}',
            signature: 'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
        },
    ];
    for (const v of vectors) {
        test(`${v.name}: both accept, and hooks sign reproduces it`, async () => {
            assert.equal(await verify(v.body, v.signature, v.url, v.key), true);
            assertAcceptedAs(hooksVerify({
                provider: 'square', secrets: v.key, body: v.body, headers: header(v.signature), url: v.url,
            }), 'square');
            const signed = hooksSign({ provider: 'square', secrets: v.key, body: v.body, url: v.url });
            assert.equal(signed.get('x-square-hmacsha256-signature'), v.signature);
        });
    }

    test('V1 with one character of the URL dropped is rejected by both (SDK negative case)', async () => {
        const [v] = vectors;
        const wrongUrl = 'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9';
        assert.equal(await verify(v.body, v.signature, wrongUrl, v.key), false);
        assertRejected(hooksVerify({
            provider: 'square', secrets: v.key, body: v.body, headers: header(v.signature), url: wrongUrl,
        }), /signature/);
    });
});
