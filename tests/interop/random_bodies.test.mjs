// SPDX-License-Identifier: MIT
// Differential cases: the same seeded pseudo-random bodies (non-ASCII text, escapes, CR LF, tabs,
// trailing newlines, indentation) go through each official library and hooks in both directions.
// A failure names the provider, the direction and the body index; the seed makes it reproducible.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Paddle } from '@paddle/paddle-node-sdk';
import { verifyKey } from 'discord-interactions';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import nacl from 'tweetnacl';

import { assertAccepted, hooksSign, hooksVerify, nowSeconds } from './support/hooks.mjs';

const seed = 0x5eed1234;
const count = 8;

function mulberry32(state) {
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const pieces = ['a', 'Z', '7', ' ', '\n', '\r\n', '\t', '"', '\\', '/', '{', '}',
    'é', 'ß', '€', '中', '😀', '\u2028', '=', '&', '+', '%'];

function randomBodies() {
    const random = mulberry32(seed);
    const bodies = [];
    for (let i = 0; i < count; ++i) {
        let text = '';
        const length = Math.floor(random() * 400);
        for (let j = 0; j < length; ++j) {
            text += pieces[Math.floor(random() * pieces.length)];
        }
        const value = { n: i, text, list: [random(), -Math.floor(random() * 1e9), null, true] };
        const indent = i % 3 === 0 ? 2 : i % 3 === 1 ? '\t' : undefined;
        bodies.push(JSON.stringify(value, null, indent) + (i % 2 ? '\n' : ''));
    }
    return bodies;
}

const bodies = randomBodies();
const whsec = 'whsec_' + Buffer.from('random-bodies differential key!!').toString('base64');
const raw = 'random-bodies-secret';
const stripe = new Stripe('sk_test_interop_not_a_real_key');
const paddle = new Paddle('pdl_sdbx_apikey_interop_not_a_real_key');
const keys = nacl.sign.keyPair.fromSeed(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const b64 = (bytes) => Buffer.from(bytes).toString('base64');

const providers = [
    {
        name: 'standard',
        signKey: whsec,
        verifyKey: whsec,
        libSign: (body) => {
            const ts = nowSeconds();
            const signature = new Webhook(whsec).sign('msg_r', new Date(ts * 1000), body);
            return { 'webhook-id': 'msg_r', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
        },
        libVerify: (body, headers) => (new Webhook(whsec).verify(body, headers, { jsonParse: false }), true),
    },
    {
        name: 'svix',
        signKey: whsec,
        verifyKey: whsec,
        libSign: (body) => {
            const ts = nowSeconds();
            const signature = new SvixWebhook(whsec).sign('msg_r', new Date(ts * 1000), body);
            return { 'svix-id': 'msg_r', 'svix-timestamp': String(ts), 'svix-signature': signature };
        },
        libVerify: (body, headers) => (new SvixWebhook(whsec).verify(body, headers), true),
    },
    {
        name: 'stripe',
        signKey: raw,
        verifyKey: raw,
        libSign: (body) => ({ 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: raw }) }),
        libVerify: (body, headers) => (stripe.webhooks.constructEvent(body, headers['stripe-signature'], raw), true),
    },
    {
        name: 'github',
        signKey: raw,
        verifyKey: raw,
        libSign: async (body) => ({ 'X-Hub-Signature-256': await octokitSign(raw, body) }),
        libVerify: (body, headers) => octokitVerify(raw, body, headers['x-hub-signature-256']),
    },
    {
        name: 'paddle',
        signKey: raw,
        verifyKey: raw,
        libSign: (body) => {
            const ts = nowSeconds();
            return { 'Paddle-Signature': `ts=${ts};h1=${createHmac('sha256', raw).update(`${ts}:${body}`).digest('hex')}` };
        },
        libVerify: (body, headers) => paddle.webhooks.isSignatureValid(body, raw, headers['paddle-signature']),
    },
    {
        name: 'discord',
        signKey: hex(keys.secretKey),
        verifyKey: hex(keys.publicKey),
        libSign: (body) => {
            const ts = String(nowSeconds());
            const signature = nacl.sign.detached(Buffer.from(ts + body), keys.secretKey);
            return { 'X-Signature-Ed25519': hex(signature), 'X-Signature-Timestamp': ts };
        },
        libVerify: (body, headers) =>
            verifyKey(body, headers['x-signature-ed25519'], headers['x-signature-timestamp'], hex(keys.publicKey)),
    },
    {
        name: 'standard',
        label: 'standard v1a',
        signKey: 'whsk_' + b64(keys.secretKey),
        verifyKey: 'whpk_' + b64(keys.publicKey),
        libSign: (body) => {
            const ts = String(nowSeconds());
            const signature = nacl.sign.detached(Buffer.from(`msg_r.${ts}.${body}`), keys.secretKey);
            return { 'webhook-id': 'msg_r', 'webhook-timestamp': ts, 'webhook-signature': `v1a,${b64(signature)}` };
        },
        libVerify: (body, headers) => {
            const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
            const signature = Buffer.from(headers['webhook-signature'].replace(/^v1a,/, ''), 'base64');
            return nacl.sign.detached.verify(content, signature, keys.publicKey);
        },
    },
];

for (const provider of providers) {
    const label = provider.label ?? provider.name;
    describe(`${label}: ${count} random bodies (seed ${seed.toString(16)})`, () => {
        test('library signs, hooks verifies', async () => {
            for (const [i, body] of bodies.entries()) {
                const headers = await provider.libSign(body);
                const result = hooksVerify({ provider: provider.name, secrets: provider.verifyKey, body, headers });
                assertAccepted(result, `${label} body #${i}`);
            }
        });

        test('hooks signs, library verifies', async () => {
            for (const [i, body] of bodies.entries()) {
                const signed = hooksSign({ provider: provider.name, secrets: provider.signKey, body });
                assert.equal(await provider.libVerify(body, signed.object()), true, `${label} body #${i}`);
            }
        });
    });
}
