// SPDX-License-Identifier: MIT
// Coinbase Commerce against `coinbase-commerce-node`'s Webhook: computeSignature (the signer),
// verifySigHeader and verifyEventBody. X-CC-Webhook-Signature is the hex HMAC-SHA256 of the raw
// body with the shared secret as text. Vector: coinbase/coinbase-commerce-node
// test/testWebhook.spec.js (docs/provider-notes/coinbase-commerce.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import coinbase from 'coinbase-commerce-node';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    tamper,
} from './support/hooks.mjs';

const { Webhook } = coinbase;
const { SignatureVerificationError } = coinbase.errors;
const secret = '30291a20-0bd1-4267-9b0f-e6e7b123c0bf';
const body = JSON.stringify({
    id: 7,
    scheduled_for: '2024-05-01T12:00:00Z',
    attempt_number: 1,
    event: {
        id: 'f3c5e1a2-8b4d-4e6f-9a0b-1c2d3e4f5a6b',
        type: 'charge:confirmed',
        api_version: '2018-03-22',
        created_at: '2024-05-01T11:59:58Z',
        data: { code: 'K3M9QWXZ', name: 'Über-Abo', pricing_type: 'fixed_price', metadata: {} },
    },
});

const header = (signature) => ({ 'X-CC-Webhook-Signature': signature });

describe('coinbase-commerce: hooks signs, the library verifies', () => {
    test('verifySigHeader and verifyEventBody accept hooks sign --provider coinbase-commerce', () => {
        const signed = hooksSign({ provider: 'coinbase-commerce', secrets: secret, body });
        const signature = signed.get('X-CC-Webhook-Signature');
        assert.equal(Webhook.verifySigHeader(body, signature, secret), true);
        const event = Webhook.verifyEventBody(body, signature, secret);
        assert.equal(event.type, 'charge:confirmed');
        assert.equal(event.data.name, 'Über-Abo');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'coinbase-commerce', secrets: secret, body });
        const changed = tamper(body);
        assert.throws(() => Webhook.verifySigHeader(changed, signed.get('X-CC-Webhook-Signature'), secret),
            SignatureVerificationError);
        assertRejected(hooksVerify({ provider: 'coinbase-commerce', secrets: secret, body: changed, headers: signed.headers }),
            /signature/);
    });
});

describe('coinbase-commerce: the library signs (computeSignature), hooks verifies', () => {
    test('hooks verify --provider coinbase-commerce accepts', () => {
        const headers = header(Webhook.computeSignature(body, secret));
        assertAcceptedAs(hooksVerify({ provider: 'coinbase-commerce', secrets: secret, body, headers }),
            'coinbase-commerce');
    });

    test('hooks verify --provider auto accepts and names coinbase-commerce', () => {
        const headers = header(Webhook.computeSignature(body, secret));
        assertAcceptedAs(hooksVerify({ secrets: secret, body, headers }), 'coinbase-commerce');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const headers = header(Webhook.computeSignature(body, secret));
        const changed = tamper(body);
        assert.throws(() => Webhook.verifyEventBody(changed, headers['X-CC-Webhook-Signature'], secret),
            SignatureVerificationError);
        assertRejected(hooksVerify({ provider: 'coinbase-commerce', secrets: secret, body: changed, headers }),
            /signature/);
        assertRejected(hooksVerify({ secrets: secret, body: changed, headers }), /signature/);
    });
});

describe('coinbase-commerce: the library test vector', () => {
    const vectorBody = '{"id":1,"scheduled_for":"2017-01-31T20:50:02Z","attempt_number":1,"event":{"id":"24934862-d980-46cb-9402-43c81b0cdba6","type":"charge:created","api_version":"2018-03-22","created_at":"2017-01-31T20:49:02Z","data":{"code":"66BEOV2A","name":"The Sovereign Individual","description":"Mastering the Transition to the Information Age","hosted_url":"https://commerce.coinbase.com/charges/66BEOV2A","created_at":"2017-01-31T20:49:02Z","expires_at":"2017-01-31T21:04:02Z","timeline":[{"time":"2017-01-31T20:49:02Z","status":"NEW"}],"metadata":{},"pricing_type":"no_price","payments":[],"addresses":{"bitcoin":"0000000000000000000000000000000000","ethereum":"0x0000000000000000000000000000000000000000","litecoin":"3000000000000000000000000000000000","bitcoincash":"bitcoincash:000000000000000000000000000000000000000000"}}}}';
    const signature = '8be7742c7d372f08a6a3224edadf18a22b65fa9e28f3f2de97376cdaa092590d';

    test('both accept it, and hooks sign reproduces it', () => {
        assert.equal(Buffer.byteLength(vectorBody), 816);
        assert.equal(Webhook.verifyEventBody(vectorBody, signature, secret).type, 'charge:created');
        assertAcceptedAs(hooksVerify({ provider: 'coinbase-commerce', secrets: secret, body: vectorBody, headers: header(signature) }),
            'coinbase-commerce');
        const signed = hooksSign({ provider: 'coinbase-commerce', secrets: secret, body: vectorBody });
        assert.equal(signed.get('X-CC-Webhook-Signature'), signature);
    });

    test('the library test\'s wrong secret (last character changed) is rejected by both', () => {
        const wrong = '30291a20-0bd1-4267-9b0f-e6e7b123c0bg';
        assert.throws(() => Webhook.verifySigHeader(vectorBody, signature, wrong), SignatureVerificationError);
        assertRejected(hooksVerify({ provider: 'coinbase-commerce', secrets: wrong, body: vectorBody, headers: header(signature) }),
            /signature/);
    });
});
