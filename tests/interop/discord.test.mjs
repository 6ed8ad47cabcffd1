// SPDX-License-Identifier: MIT
// Discord interactions against discord-interactions' verifyKey (hex public key) and tweetnacl
// (signing, as Discord's own examples do): X-Signature-Ed25519 is the hex Ed25519 signature of
// X-Signature-Timestamp followed by the raw body.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyKey } from 'discord-interactions';
import nacl from 'tweetnacl';

import { assertAccepted, assertRejected, hooksSign, hooksVerify, nowSeconds, runHooks, tamper } from './support/hooks.mjs';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 91 + 7) & 0xff);
const keys = nacl.sign.keyPair.fromSeed(seed);
const seedHex = hex(seed); // 64 hex digits
const secretKeyHex = hex(keys.secretKey); // 128 hex digits: seed then public key, as tweetnacl keeps it
const publicKeyHex = hex(keys.publicKey);

const body = JSON.stringify({
    type: 2,
    id: '1234567890123456789',
    application_id: '987654321098765432',
    data: { name: 'greet', options: [{ name: 'who', value: 'Zoë 👋' }] },
});

function naclSigned(payload, timestamp = String(nowSeconds())) {
    const message = Buffer.concat([Buffer.from(timestamp), Buffer.from(payload)]);
    return { 'X-Signature-Ed25519': hex(nacl.sign.detached(message, keys.secretKey)), 'X-Signature-Timestamp': timestamp };
}

const verifyHeaders = (payload, headers) =>
    verifyKey(payload, headers['X-Signature-Ed25519'], headers['X-Signature-Timestamp'], publicKeyHex);

describe('discord: tweetnacl signs, hooks verifies', () => {
    test('verifyKey and hooks verify --provider discord accept', async () => {
        const headers = naclSigned(body);
        assert.equal(await verifyHeaders(body, headers), true);
        assertAccepted(hooksVerify({ provider: 'discord', secrets: publicKeyHex, body, headers }));
    });

    test('hooks verify --provider auto accepts and detects discord', () => {
        const result = hooksVerify({ secrets: publicKeyHex, body, headers: naclSigned(body), args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'discord');
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const headers = naclSigned(body);
        const changed = tamper(body);
        assert.equal(await verifyHeaders(changed, headers), false);
        assertRejected(hooksVerify({ provider: 'discord', secrets: publicKeyHex, body: changed, headers }), /signature/);
    });

    test('a different timestamp header is rejected by both', async () => {
        const headers = { ...naclSigned(body, '1714564800'), 'X-Signature-Timestamp': '1714564801' };
        assert.equal(await verifyHeaders(body, headers), false);
        assertRejected(hooksVerify({ provider: 'discord', secrets: publicKeyHex, body, headers }));
    });
});

describe('discord: hooks signs, verifyKey verifies', () => {
    test('verifyKey accepts hooks sign with the 64-hex-digit seed', async () => {
        const signed = hooksSign({ provider: 'discord', secrets: seedHex, body });
        assert.match(signed.get('X-Signature-Ed25519'), /^[0-9a-f]{128}$/);
        assert.equal(await verifyHeaders(body, Object.fromEntries(signed.headers)), true);
    });

    test('the 128-hex-digit tweetnacl secret key signs identically, byte for byte as tweetnacl does', async () => {
        const fromSeed = hooksSign({ provider: 'discord', secrets: seedHex, body, timestamp: 1714564800 });
        const fromSecretKey = hooksSign({ provider: 'discord', secrets: secretKeyHex, body, timestamp: 1714564800 });
        const expected = naclSigned(body, '1714564800');
        assert.deepEqual(fromSeed.headers, Object.entries(expected));
        assert.deepEqual(fromSecretKey.headers, Object.entries(expected));
        assert.equal(await verifyHeaders(body, Object.fromEntries(fromSecretKey.headers)), true);
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signed = hooksSign({ provider: 'discord', secrets: seedHex, body });
        const changed = tamper(body);
        assert.equal(await verifyHeaders(changed, Object.fromEntries(signed.headers)), false);
        assertRejected(hooksVerify({ provider: 'discord', secrets: publicKeyHex, body: changed, headers: signed.headers }));
    });

    test('a key that is not 64 or 128 hex digits is an input error (exit 2)', () => {
        const result = runHooks(['sign', '--provider=discord', `--secret=${seedHex.slice(2)}`, '-'], { body });
        assert.equal(result.status, 2, result.stderr);
    });
});
