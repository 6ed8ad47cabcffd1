// SPDX-License-Identifier: MIT
// Linear against @linear/sdk's LinearWebhookClient (from '@linear/sdk/webhooks'): Linear-Signature
// is the hex HMAC-SHA256 of the raw body, and the body's webhookTimestamp (milliseconds) must be
// within 60 s of now. verify() throws on a mismatch. The SDK has no signer, so the
// "library-signed" deliveries are computed with node:crypto the way verify() checks them (marked
// `docs-built` below). Linear publishes no fixed vector (its SDK tests sign at run time), so the
// example in docs/provider-notes/linear.md, derived from the SDK test's body, is checked here
// with the SDK's clock mocked and hooks verify --now.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { LinearWebhookClient } from '@linear/sdk/webhooks';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    tamper,
} from './support/hooks.mjs';

const secret = 'lin_wh_interop_8f2d1c0b9a7e6d5c4b3a2910';
const client = new LinearWebhookClient(secret);

/// A Linear Comment event whose webhookTimestamp is TIMESTAMP (ms).
const bodyAt = (timestamp = Date.now()) => JSON.stringify({
    action: 'create',
    type: 'Comment',
    data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', body: 'Ça marche ✓', issueId: '539068e2-ae88-4d09-bd75-22eb4a59612f' },
    url: 'https://linear.app/issue/LIN-1778/foo-bar#comment-77217de3',
    createdAt: '2024-05-01T12:00:00.000Z',
    organizationId: 'a8c2e0f4-1b3d-4c5e-9f70-8192a3b4c5d6',
    webhookTimestamp: timestamp,
    webhookId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
});

/// docs-built: the Linear-Signature verify() accepts, for the delivery the SDK cannot sign.
const docsSigned = (payload, key = secret) =>
    ({ 'Linear-Signature': createHmac('sha256', key).update(payload).digest('hex') });

const sdkVerify = (payload, headers) => client.verify(Buffer.from(payload), headers['Linear-Signature']);

describe('linear: hooks signs, the SDK verifies', () => {
    test('verify and parseData accept hooks sign --provider linear', () => {
        const body = bodyAt();
        const signed = hooksSign({ provider: 'linear', secrets: secret, body });
        const signature = signed.get('Linear-Signature');
        assert.equal(client.verify(Buffer.from(body), signature), true);
        assert.equal(client.parseData(Buffer.from(body), signature).data.body, 'Ça marche ✓');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const body = bodyAt();
        const signed = hooksSign({ provider: 'linear', secrets: secret, body });
        const changed = tamper(body);
        assert.throws(() => client.verify(Buffer.from(changed), signed.get('Linear-Signature')), /Invalid webhook signature/);
        assertRejected(hooksVerify({ provider: 'linear', secrets: secret, body: changed, headers: signed.headers }),
            /signature/);
    });

    test('a body whose webhookTimestamp is 120 s old is rejected by both', () => {
        const body = bodyAt(Date.now() - 120000);
        const signed = hooksSign({ provider: 'linear', secrets: secret, body });
        assert.throws(() => client.verify(Buffer.from(body), signed.get('Linear-Signature')), /Invalid webhook timestamp/);
        assertRejected(hooksVerify({ provider: 'linear', secrets: secret, body, headers: signed.headers }), /old|ago/);
    });
});

describe('linear: docs-built delivery (SDK-checked), hooks verifies', () => {
    test('the SDK and hooks verify --provider linear accept', () => {
        const body = bodyAt();
        const headers = docsSigned(body);
        assert.equal(sdkVerify(body, headers), true);
        assertAcceptedAs(hooksVerify({ provider: 'linear', secrets: secret, body, headers }), 'linear');
    });

    test('hooks verify --provider auto accepts and names linear', () => {
        const body = bodyAt();
        assertAcceptedAs(hooksVerify({ secrets: secret, body, headers: docsSigned(body) }), 'linear');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const body = bodyAt();
        const headers = docsSigned(body);
        const changed = tamper(body);
        assert.throws(() => sdkVerify(changed, headers), /Invalid webhook signature/);
        assertRejected(hooksVerify({ provider: 'linear', secrets: secret, body: changed, headers }), /signature/);
        assertRejected(hooksVerify({ secrets: secret, body: changed, headers }), /signature/);
    });

    test('webhookTimestamp 120 s old, or 120 s ahead, is rejected by both (60 s, both ways)', () => {
        for (const skew of [-120000, 120000]) {
            const body = bodyAt(Date.now() + skew);
            const headers = docsSigned(body);
            assert.throws(() => sdkVerify(body, headers), /Invalid webhook timestamp/);
            assertRejected(hooksVerify({ provider: 'linear', secrets: secret, body, headers }), /timestamp|old|ago|future|ahead/);
            assertRejected(hooksVerify({ secrets: secret, body, headers }), /timestamp|old|ago|future|ahead/);
        }
    });
});

describe('linear: the example derived from the SDK test body (not a published vector)', () => {
    const body = '{"action":"create","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","createdAt":"2020-01-23T12:53:18.084Z","updatedAt":"2020-01-23T12:53:18.084Z","archivedAt":null,"body":"Indeed, I think this is definitely an improvement over the previous version.","edited":false,"issueId":"539068e2-ae88-4d09-bd75-22eb4a59612f","userId":"aacdca22-6266-4c0a-ab3c-8fa70a26765c"},"type":"Comment","url":"https://linear.app/issue/LIN-1778/foo-bar#comment-77217de3-fb52-4dad-bb9a-b356beb93de8","createdAt":"2020-01-23T12:53:18.084Z","webhookTimestamp":1579784000000}';
    const signature = '9f9fe461cff5e6619c44f1bbe9f1d540e2af8838b8d727b1875bd858b023fac2';

    test('the SDK (clock mocked) and hooks verify --now accept it; hooks sign reproduces it', (t) => {
        t.mock.method(Date, 'now', () => 1579784000000 + 5000);
        const example = new LinearWebhookClient('SECRET');
        assert.equal(example.verify(Buffer.from(body), signature), true);
        assertAcceptedAs(hooksVerify({
            provider: 'linear', secrets: 'SECRET', body, headers: { 'Linear-Signature': signature }, now: '1579784005',
        }), 'linear');
        assert.equal(hooksSign({ provider: 'linear', secrets: 'SECRET', body }).get('Linear-Signature'), signature);
    });
});
