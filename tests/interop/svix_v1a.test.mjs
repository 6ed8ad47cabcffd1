// SPDX-License-Identifier: MIT
// Svix v1a (Ed25519) under svix-* headers. There is no official npm verifier for v1a (the `svix`
// library reads only v1 entries), so this is a CONSTRUCTION CHECK, not an official library: Node's
// built-in Ed25519 (crypto.sign / crypto.verify with a null digest) over `${id}.${timestamp}.${body}`.
// Keys: whsk_ is base64 of the 64-byte seed ‖ public key, whpk_ base64 of the 32-byte public key.
// Vector: svix/svix-webhooks server/svix-server/src/worker.rs test_asymmetric_key_signing
// (docs/provider-notes/svix.md); Ed25519 is deterministic, so signers must reproduce it exactly.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

const whsk = 'whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==';
const whpk = 'whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=';

const keyBytes = Buffer.from(whsk.slice('whsk_'.length), 'base64');
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(keyBytes.subarray(0, 32)), x: b64url(keyBytes.subarray(32)) },
    format: 'jwk',
});
const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: b64url(Buffer.from(whpk.slice('whpk_'.length), 'base64')) },
    format: 'jwk',
});

const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_77', customer: 'Søren Kierkegaard' } });
const signedContent = (id, timestamp, payload) => Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(payload)]);

/// node:crypto's v1a headers (the construction hooks must match).
function nodeSigned(payload, { id = 'msg_v1a_interop_1', timestamp = nowSeconds() } = {}) {
    const signature = sign(null, signedContent(id, timestamp, payload), privateKey).toString('base64');
    return { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': `v1a,${signature}` };
}

/// Whether one of the space-separated v1a entries verifies with node:crypto.
function nodeVerifies(payload, headers) {
    const content = signedContent(headers['svix-id'], headers['svix-timestamp'], payload);
    return headers['svix-signature'].split(' ')
        .filter((entry) => entry.startsWith('v1a,'))
        .some((entry) => verify(null, content, publicKey, Buffer.from(entry.slice(4), 'base64')));
}

describe('svix v1a: hooks signs with whsk_, node:crypto Ed25519 verifies', () => {
    test('crypto.verify accepts hooks sign --provider svix --secret whsk_...', () => {
        const signed = hooksSign({ provider: 'svix', secrets: whsk, body });
        const headers = signed.object();
        assert.match(headers['svix-signature'], /^v1a,[A-Za-z0-9+/]{86}==$/);
        assert.equal(nodeVerifies(body, headers), true);
    });

    test('for the same id and timestamp, the signature is node:crypto\'s byte for byte', () => {
        const timestamp = nowSeconds();
        const signed = hooksSign({ provider: 'svix', secrets: whsk, body, id: 'msg_same', timestamp });
        assert.deepEqual(signed.object(), nodeSigned(body, { id: 'msg_same', timestamp }));
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'svix', secrets: whsk, body });
        const changed = tamper(body);
        assert.equal(nodeVerifies(changed, signed.object()), false);
        assertRejected(hooksVerify({ provider: 'svix', secrets: whpk, body: changed, headers: signed.headers }),
            /signature/);
    });
});

describe('svix v1a: node:crypto signs, hooks verifies with whpk_', () => {
    test('hooks verify --provider svix accepts', () => {
        assertAcceptedAs(hooksVerify({ provider: 'svix', secrets: whpk, body, headers: nodeSigned(body) }), 'svix');
    });

    test('hooks verify --provider auto accepts and names svix', () => {
        assertAcceptedAs(hooksVerify({ secrets: whpk, body, headers: nodeSigned(body) }), 'svix');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const headers = nodeSigned(body);
        const changed = tamper(body);
        assert.equal(nodeVerifies(changed, headers), false);
        assertRejected(hooksVerify({ provider: 'svix', secrets: whpk, body: changed, headers }), /signature/);
        assertRejected(hooksVerify({ secrets: whpk, body: changed, headers }), /signature/);
    });

    test('another id under the same signature is rejected by both (the id is signed)', () => {
        const headers = { ...nodeSigned(body), 'svix-id': 'msg_v1a_interop_2' };
        assert.equal(nodeVerifies(body, headers), false);
        assertRejected(hooksVerify({ provider: 'svix', secrets: whpk, body, headers }), /signature/);
    });
});

describe('svix v1a: the svix-server test vector', () => {
    const vector = {
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
        signature: 'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==',
    };

    test('node:crypto and hooks sign reproduce it; both verify it (hooks with --now)', () => {
        const headers = nodeSigned(vector.body, { id: vector.id, timestamp: vector.timestamp });
        assert.equal(headers['svix-signature'], vector.signature);
        assert.equal(nodeVerifies(vector.body, headers), true);
        const signed = hooksSign({ provider: 'svix', secrets: whsk, body: vector.body, id: vector.id, timestamp: vector.timestamp });
        assert.equal(signed.get('svix-signature'), vector.signature);
        assertAcceptedAs(hooksVerify({
            provider: 'svix', secrets: whpk, body: vector.body, headers, now: String(vector.timestamp + 1),
        }), 'svix');
    });

    test('whsk_ is the seed followed by the whpk_ public key', () => {
        assert.deepEqual(keyBytes.subarray(32), Buffer.from(whpk.slice('whpk_'.length), 'base64'));
        assert.equal(createPublicKey(privateKey).export({ format: 'jwk' }).x, b64url(keyBytes.subarray(32)));
    });
});
