// SPDX-License-Identifier: MIT
// SendGrid's signed event webhook against `@sendgrid/eventwebhook` (EventWebhook
// .convertPublicKeyToECDSA / .verifySignature): a base64 DER ECDSA P-256/SHA-256 signature of the
// timestamp followed by the raw body, CRLF included. SendGrid keeps its private key, so the
// deliveries SendGrid would make are signed here with node:crypto and a test key pair (marked
// `sendgrid-built`); `hooks sign` takes the test private key. Vector: sendgrid/sendgrid-nodejs
// packages/eventwebhook/src/eventwebhook.spec.js (docs/provider-notes/sendgrid.md).
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { EventWebhook } from '@sendgrid/eventwebhook';

import { assertAcceptedAs, assertRejected, hooksSign, hooksVerify, runHooks, tamper } from './support/hooks.mjs';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' });
// As SendGrid shows its verification key: the base64 of the DER SubjectPublicKeyInfo.
const publicBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const body = JSON.stringify([
    { email: 'ada@example.com', event: 'delivered', sg_event_id: 'ZGVsaXZlcmVkLTAtMQ', timestamp: 1700000000 },
]) + '\r\n';
const timestamp = '1700000005';

const eventWebhook = new EventWebhook();
const verifyWithLibrary = (payload, signature, time, key = publicBase64) =>
    eventWebhook.verifySignature(eventWebhook.convertPublicKeyToECDSA(key), payload, signature, time);

/// sendgrid-built: what SendGrid sends, signed with the test private key.
const sendgridSigned = (payload, time) =>
    createSign('sha256').update(time + payload).sign(privateKey).toString('base64');

const headers = (signature, time) => ({
    'X-Twilio-Email-Event-Webhook-Signature': signature,
    'X-Twilio-Email-Event-Webhook-Timestamp': time,
});

describe('sendgrid: hooks signs with a test key, the library verifies', () => {
    test('verifySignature accepts hooks sign --provider sendgrid', () => {
        const signed = hooksSign({ provider: 'sendgrid', secrets: privatePem, body, timestamp });
        assert.equal(signed.get('X-Twilio-Email-Event-Webhook-Timestamp'), timestamp);
        assert.equal(verifyWithLibrary(body, signed.get('X-Twilio-Email-Event-Webhook-Signature'), timestamp), true);
    });

    test('a one-byte change of the body, or the CRLF dropped, is rejected by both', () => {
        const signed = hooksSign({ provider: 'sendgrid', secrets: privatePem, body, timestamp });
        const signature = signed.get('X-Twilio-Email-Event-Webhook-Signature');
        for (const changed of [tamper(body), body.slice(0, -2)]) {
            assert.equal(verifyWithLibrary(changed, signature, timestamp), false);
            assertRejected(hooksVerify({ provider: 'sendgrid', secrets: publicBase64, body: changed,
                headers: signed.headers }), /signature/);
        }
    });

    test('hooks sign refuses the public key: SendGrid keeps its private key', () => {
        const result = runHooks(['sign', '--provider=sendgrid', `--secret=${publicBase64}`, '-'], { body });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /can only be verified/);
    });
});

describe('sendgrid: sendgrid-built delivery (library-checked), hooks verifies', () => {
    test('the library and hooks verify --provider sendgrid and auto accept', () => {
        const signature = sendgridSigned(body, timestamp);
        assert.equal(verifyWithLibrary(body, signature, timestamp), true);
        assertAcceptedAs(hooksVerify({ provider: 'sendgrid', secrets: publicBase64, body,
            headers: headers(signature, timestamp) }), 'sendgrid');
        assertAcceptedAs(hooksVerify({ secrets: publicBase64, body, headers: headers(signature, timestamp) }),
            'sendgrid');
    });

    test('another timestamp is rejected by both', () => {
        const signature = sendgridSigned(body, timestamp);
        assert.equal(verifyWithLibrary(body, signature, '1700000006'), false);
        assertRejected(hooksVerify({ provider: 'sendgrid', secrets: publicBase64, body,
            headers: headers(signature, '1700000006') }), /signature/);
    });

    test('with --tolerance, hooks also refuses a stale one (the library checks no time)', () => {
        const signature = sendgridSigned(body, timestamp);
        assertRejected(hooksVerify({ provider: 'sendgrid', secrets: publicBase64, body,
            headers: headers(signature, timestamp), now: 1700000405, args: ['--tolerance=300'] }), /too old/);
    });
});

describe('sendgrid: the published vector', () => {
    // eventwebhook.spec.js: PUBLIC_KEY, SIGNATURE, TIMESTAMP and PAYLOAD.
    const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
    const signature = 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=';
    const payload = '[{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}]\r\n';

    test('both accept it, and both reject it with another payload', () => {
        assert.equal(verifyWithLibrary(payload, signature, '1600112502', key), true);
        assertAcceptedAs(hooksVerify({ provider: 'sendgrid', secrets: key, body: payload,
            headers: headers(signature, '1600112502') }), 'sendgrid');
        assert.equal(verifyWithLibrary('payload', signature, '1600112502', key), false);
        assertRejected(hooksVerify({ provider: 'sendgrid', secrets: key, body: 'payload',
            headers: headers(signature, '1600112502') }), /signature/);
    });
});
