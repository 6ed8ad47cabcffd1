// SPDX-License-Identifier: MIT
// Standard Webhooks v1a (Ed25519) against tweetnacl: the signed content is `${id}.${timestamp}.${body}`,
// the signature `v1a,<base64>`, the keys whsk_<base64 private key> and whpk_<base64 public key>.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nacl from 'tweetnacl';

import {
    assertAccepted,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    runHooks,
    tamper,
} from './support/hooks.mjs';

const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const keys = nacl.sign.keyPair.fromSeed(seed);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const whskSecretKey = 'whsk_' + b64(keys.secretKey); // tweetnacl's 64-byte secretKey (seed || public)
const whskSeed = 'whsk_' + b64(seed);
const whpk = 'whpk_' + b64(keys.publicKey);
const hmacSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const body = JSON.stringify({ type: 'user.created', data: { id: 'usr_42', name: 'Ærøskøbing ✓' } });

function signedContent(headers, payload) {
    return Buffer.concat([
        Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`),
        Buffer.from(payload),
    ]);
}

function naclSigned(payload, { id = 'msg_ed25519_1', timestamp = nowSeconds() } = {}) {
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
    const signature = nacl.sign.detached(signedContent(headers, payload), keys.secretKey);
    return { ...headers, 'webhook-signature': `v1a,${b64(signature)}` };
}

// tweetnacl's verification of every v1a signature in a webhook-signature header.
function naclVerify(headers, payload) {
    const content = signedContent(headers, payload);
    return headers['webhook-signature']
        .split(' ')
        .filter((entry) => entry.startsWith('v1a,'))
        .some((entry) => nacl.sign.detached.verify(content, Buffer.from(entry.slice(4), 'base64'), keys.publicKey));
}

describe('standard v1a: tweetnacl signs, hooks verifies', () => {
    test('hooks verify with the whpk_ public key accepts', () => {
        assertAccepted(hooksVerify({ provider: 'standard', secrets: whpk, body, headers: naclSigned(body) }));
    });

    test('hooks verify --provider auto accepts', () => {
        const result = hooksVerify({ secrets: whpk, body, headers: naclSigned(body), args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'standard');
    });

    test('hooks verify given the whsk_ private key derives the public key and accepts', () => {
        assertAccepted(hooksVerify({ provider: 'standard', secrets: whskSecretKey, body, headers: naclSigned(body) }));
    });

    test('a one-byte change of the body is rejected by both', () => {
        const headers = naclSigned(body);
        const changed = tamper(body);
        assert.equal(naclVerify(headers, changed), false);
        assertRejected(hooksVerify({ provider: 'standard', secrets: whpk, body: changed, headers }), /signature/);
    });

    test('an HMAC and an Ed25519 signature side by side each verify with their own key', () => {
        const headers = naclSigned(body);
        const [id, timestamp] = [headers['webhook-id'], headers['webhook-timestamp']];
        const hmac = hooksSign({ provider: 'standard', secrets: hmacSecret, body, id, timestamp });
        headers['webhook-signature'] = `${hmac.get('webhook-signature')} ${headers['webhook-signature']}`;
        assertAccepted(hooksVerify({ provider: 'standard', secrets: whpk, body, headers }));
        assertAccepted(hooksVerify({ provider: 'standard', secrets: hmacSecret, body, headers }));
    });
});

describe('standard v1a: hooks signs, tweetnacl verifies', () => {
    test('tweetnacl accepts hooks sign with the 64-byte whsk_ secret key', () => {
        const signed = hooksSign({ provider: 'standard', secrets: whskSecretKey, body });
        assert.match(signed.get('webhook-signature'), /^v1a,[A-Za-z0-9+/]{86}==$/);
        assert.equal(naclVerify(signed.object(), body), true);
    });

    test('the 32-byte seed form signs identically, byte for byte as tweetnacl does', () => {
        const fixed = { id: 'msg_fixed', timestamp: 1714564800 };
        const fromSecretKey = hooksSign({ provider: 'standard', secrets: whskSecretKey, body, ...fixed });
        const fromSeed = hooksSign({ provider: 'standard', secrets: whskSeed, body, ...fixed });
        const expected = naclSigned(body, fixed)['webhook-signature']; // Ed25519 is deterministic
        assert.equal(fromSecretKey.get('webhook-signature'), expected);
        assert.equal(fromSeed.get('webhook-signature'), expected);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'standard', secrets: whskSecretKey, body });
        const changed = tamper(body);
        assert.equal(naclVerify(signed.object(), changed), false);
        assertRejected(hooksVerify({ provider: 'standard', secrets: whpk, body: changed, headers: signed.headers }));
    });

    test('signing with the whpk_ public key is a usage error (exit 2)', () => {
        const result = runHooks(['sign', '--provider=standard', `--secret=${whpk}`, '-'], { body });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /whsk_/);
        assert.ok(!(result.stderr + result.stdout).includes(whpk.slice(5)), 'the key is echoed');
    });
});
