// SPDX-License-Identifier: MIT
// Mux against @mux/mux-node's webhooks.verifySignature / unwrap: Mux-Signature is
// `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, at most 300 s old (a future t is accepted).
// The SDK's signer is private (computeSignature), so the "library-signed" deliveries are computed
// with node:crypto the way verifySignature checks them (marked `docs-built` below). Vectors:
// muxinc/mux-node-sdk tests/api-resources/webhooks.test.ts (docs/provider-notes/mux.md), checked
// by the SDK with Date.now mocked to the vector's time and by hooks verify with --now.
import assert from 'node:assert/strict';
import { createHmac, webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import Mux from '@mux/mux-node';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

// @mux/mux-node verifies with globalThis.crypto.subtle, which Node 18 does not expose by default.
globalThis.crypto ??= webcrypto;
const mux = new Mux({ tokenId: 'interop-token-id', tokenSecret: 'interop-token-secret' }); // no API call
const secret = 'mux-interop-webhook-signing-secret';
const body = JSON.stringify({
    type: 'video.asset.ready',
    id: '3a56ac3d-33da-4366-855b-f592d898409d',
    created_at: '2024-05-01T12:00:00.000000Z',
    data: { id: 'Rq4Vx2bS9tY00mJ2', status: 'ready', passthrough: 'Übung №5' },
    environment: { name: 'Production', id: 'j0863n' },
});

/// docs-built: the header verifySignature accepts, for the delivery the SDK cannot sign itself.
function docsSigned(payload, timestamp = nowSeconds(), key = secret) {
    const v1 = createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');
    return { 'mux-signature': `t=${timestamp},v1=${v1}` };
}

const sdkVerify = (payload, headers, key = secret) => mux.webhooks.verifySignature(payload, headers, key);

describe('mux: hooks signs, the SDK verifies', () => {
    test('verifySignature and unwrap accept hooks sign --provider mux', async () => {
        const signed = hooksSign({ provider: 'mux', secrets: secret, body });
        assert.match(signed.get('Mux-Signature'), /^t=\d+,v1=[0-9a-f]{64}$/);
        await sdkVerify(body, signed.object());
        const event = await mux.webhooks.unwrap(body, signed.object(), secret);
        assert.equal(event.type, 'video.asset.ready');
        assert.equal(event.data.passthrough, 'Übung №5');
    });

    test('the header matches the docs-built one for the same timestamp', () => {
        const ts = nowSeconds();
        const signed = hooksSign({ provider: 'mux', secrets: secret, body, timestamp: ts });
        assert.equal(signed.get('Mux-Signature'), docsSigned(body, ts)['mux-signature']);
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signed = hooksSign({ provider: 'mux', secrets: secret, body });
        const changed = tamper(body);
        await assert.rejects(sdkVerify(changed, signed.object()), /No signatures found matching/);
        assertRejected(hooksVerify({ provider: 'mux', secrets: secret, body: changed, headers: signed.headers }),
            /signature/);
    });

    test('hooks sign --timestamp 400 s ago is rejected by both as too old', async () => {
        const signed = hooksSign({ provider: 'mux', secrets: secret, body, timestamp: nowSeconds() - 400 });
        await assert.rejects(sdkVerify(body, signed.object()), /too old/);
        assertRejected(hooksVerify({ provider: 'mux', secrets: secret, body, headers: signed.headers }), /old|ago/);
    });
});

describe('mux: docs-built delivery (SDK-checked), hooks verifies', () => {
    test('the SDK and hooks verify --provider mux accept', async () => {
        const headers = docsSigned(body);
        await sdkVerify(body, headers);
        assertAcceptedAs(hooksVerify({ provider: 'mux', secrets: secret, body, headers }), 'mux');
    });

    test('hooks verify --provider auto accepts and names mux', () => {
        assertAcceptedAs(hooksVerify({ secrets: secret, body, headers: docsSigned(body) }), 'mux');
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const headers = docsSigned(body);
        const changed = tamper(body);
        await assert.rejects(sdkVerify(changed, headers), /No signatures found matching/);
        assertRejected(hooksVerify({ provider: 'mux', secrets: secret, body: changed, headers }), /signature/);
        assertRejected(hooksVerify({ secrets: secret, body: changed, headers }), /signature/);
    });

    test('a timestamp 400 s old is rejected by both as too old', async () => {
        const headers = docsSigned(body, nowSeconds() - 400);
        await assert.rejects(sdkVerify(body, headers), /too old/);
        assertRejected(hooksVerify({ provider: 'mux', secrets: secret, body, headers }), /old|ago/);
        assertRejected(hooksVerify({ secrets: secret, body, headers }), /old|ago/);
    });
});

describe('mux: the SDK test vectors (clock at 1565125718)', () => {
    const now = 1565125718;
    const vectorSecret = 'SuperSecret123';
    const vectors = [
        { name: 'A', body: '{"test":"body"}',
            v1: '854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7' },
        { name: 'B (unwrap_times, a space after the comma)',
            body: '{"test":{"nested":{"nanos":718234, "seconds":1691711005}}}',
            v1: 'bd315c24bce1c2b8ad325696f26530c8ef7d7d830afb7c1381903705d04607be' },
    ];

    for (const v of vectors) {
        test(`${v.name}: both accept it, and hooks sign reproduces it`, async (t) => {
            t.mock.method(Date, 'now', () => now * 1000);
            const headers = { 'mux-signature': `t=${now},v1=${v.v1}` };
            await sdkVerify(v.body, headers, vectorSecret);
            assertAcceptedAs(hooksVerify({
                provider: 'mux', secrets: vectorSecret, body: v.body, headers, now: String(now),
            }), 'mux');
            const signed = hooksSign({ provider: 'mux', secrets: vectorSecret, body: v.body, timestamp: now });
            assert.equal(signed.get('Mux-Signature'), headers['mux-signature']);
        });
    }

    test('A, 360 s later: both reject it as too old', async (t) => {
        t.mock.method(Date, 'now', () => (now + 360) * 1000);
        const headers = { 'mux-signature': `t=${now},v1=${vectors[0].v1}` };
        await assert.rejects(sdkVerify(vectors[0].body, headers, vectorSecret), /too old/);
        assertRejected(hooksVerify({
            provider: 'mux', secrets: vectorSecret, body: vectors[0].body, headers, now: String(now + 360),
        }), /old|ago/);
    });

    test('A with an invalid v1 before the good one: both accept (any v1 may match)', async (t) => {
        t.mock.method(Date, 'now', () => now * 1000);
        const headers = { 'mux-signature': `t=${now},v1=invalid-sig,v1=${vectors[0].v1}` };
        await sdkVerify(vectors[0].body, headers, vectorSecret);
        assertAcceptedAs(hooksVerify({
            provider: 'mux', secrets: vectorSecret, body: vectors[0].body, headers, now: String(now),
        }), 'mux');
    });

    test('A under v2= only: both reject it (only v1 is read)', async (t) => {
        t.mock.method(Date, 'now', () => now * 1000);
        const headers = { 'mux-signature': `t=${now},v2=${vectors[0].v1}` };
        await assert.rejects(sdkVerify(vectors[0].body, headers, vectorSecret), /No v1 signatures found/);
        assertRejected(hooksVerify({
            provider: 'mux', secrets: vectorSecret, body: vectors[0].body, headers, now: String(now),
        }));
    });
});
