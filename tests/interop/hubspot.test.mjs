// SPDX-License-Identifier: MIT
// HubSpot v1, v2 and v3 against @hubspot/api-client's Signature.getSignature / isValid.
// v1: hex SHA-256 (a plain hash) of client secret + body, v2: of client secret + method + URL +
// body, both in X-HubSpot-Signature, told apart by X-HubSpot-Signature-Version; v3: base64
// HMAC-SHA256 of method + URL + body + millisecond timestamp in X-HubSpot-Signature-v3, with
// X-HubSpot-Request-Timestamp, 5 minutes. Vectors: HubSpot's docs FAQ and the Node and Python SDK
// tests (docs/provider-notes/hubspot-v1.md, hubspot-v2.md, hubspot-v3.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Signature } from '@hubspot/api-client';

import {
    assertAcceptedAs,
    assertRejected,
    hooksSign,
    hooksVerify,
    nowSeconds,
    tamper,
} from './support/hooks.mjs';

const clientSecret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const url = 'https://www.example.com/webhook_uri?portal=62515';
const body = JSON.stringify([{
    eventId: 1, subscriptionId: 12345, portalId: 62515, occurredAt: 1564113600000,
    subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 123,
    propertyName: 'firstname', propertyValue: 'Zoë', changeSource: 'CRM', appId: 54321,
}]);

const options = (version, requestBody, extra = {}) =>
    ({ clientSecret, requestBody, url, ...extra, signatureVersion: version });

/// The SDK's signature for one version (POST unless told otherwise).
function sdkSignature(version, requestBody, { method = 'POST', ...extra } = {}) {
    return Signature.getSignature(method, version, options(version, requestBody, extra));
}

/// The headers HubSpot sends for one version, signed by the SDK.
function sdkHeaders(version, requestBody, { timestamp = Date.now(), method = 'POST' } = {}) {
    if (version === 'v3') {
        return {
            'X-HubSpot-Signature-v3': sdkSignature('v3', requestBody, { method, timestamp }),
            'X-HubSpot-Request-Timestamp': String(timestamp),
        };
    }
    return { 'X-HubSpot-Signature': sdkSignature(version, requestBody, { method }), 'X-HubSpot-Signature-Version': version };
}

/// Signature.isValid for the headers of one version (v3 throws on an old timestamp).
function sdkIsValid(version, requestBody, headers, method = 'POST') {
    const lower = Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v]));
    const signature = version === 'v3' ? lower['x-hubspot-signature-v3'] : lower['x-hubspot-signature'];
    const timestamp = version === 'v3' ? Number(lower['x-hubspot-request-timestamp']) : undefined;
    return Signature.isValid({ ...options(version, requestBody, { signature, timestamp }), method });
}

for (const version of ['v1', 'v2', 'v3']) {
    const provider = `hubspot-${version}`;

    describe(`${provider}: hooks signs, the SDK verifies`, () => {
        test(`Signature.isValid accepts hooks sign --provider ${provider}`, () => {
            const signed = hooksSign({ provider, secrets: clientSecret, body, url });
            assert.equal(sdkIsValid(version, body, signed.object()), true);
            if (version !== 'v3') {
                assert.equal(signed.get('X-HubSpot-Signature-Version'), version);
            }
        });

        test('a one-byte change of the body is rejected by both', () => {
            const signed = hooksSign({ provider, secrets: clientSecret, body, url });
            const changed = tamper(body);
            assert.equal(sdkIsValid(version, changed, signed.object()), false);
            assertRejected(hooksVerify({ provider, secrets: clientSecret, body: changed, headers: signed.headers, url }),
                /signature/);
        });
    });

    describe(`${provider}: the SDK signs (getSignature), hooks verifies`, () => {
        test(`hooks verify --provider ${provider} accepts`, () => {
            const headers = sdkHeaders(version, body);
            assertAcceptedAs(hooksVerify({ provider, secrets: clientSecret, body, headers, url }), provider);
        });

        test(`hooks verify --provider auto accepts and names ${provider}`, () => {
            const headers = sdkHeaders(version, body);
            assertAcceptedAs(hooksVerify({ secrets: clientSecret, body, headers, url }), provider);
        });

        test('a one-byte change of the body is rejected by both', () => {
            const headers = sdkHeaders(version, body);
            const changed = tamper(body);
            assert.equal(sdkIsValid(version, changed, headers), false);
            assertRejected(hooksVerify({ provider, secrets: clientSecret, body: changed, headers, url }), /signature/);
            assertRejected(hooksVerify({ secrets: clientSecret, body: changed, headers, url }), /signature/);
        });
    });
}

describe('hubspot: v1 and v2 share X-HubSpot-Signature; X-HubSpot-Signature-Version tells them apart', () => {
    test('a v1 delivery labelled v2 is rejected by hooks --provider auto and by the SDK as v2', () => {
        const headers = { ...sdkHeaders('v1', body), 'X-HubSpot-Signature-Version': 'v2' };
        assert.equal(sdkIsValid('v2', body, headers), false);
        assertRejected(hooksVerify({ secrets: clientSecret, body, headers, url }), /signature/);
    });

    test('without X-HubSpot-Signature-Version, --provider auto cannot tell v1 from v2; --provider hubspot-v1 accepts', () => {
        const { 'X-HubSpot-Signature-Version': version, ...headers } = sdkHeaders('v1', body);
        assert.equal(version, 'v1');
        assertRejected(hooksVerify({ secrets: clientSecret, body, headers, url }), /cannot tell the provider.*hubspot-v1.*hubspot-v2/);
        assertAcceptedAs(hooksVerify({ provider: 'hubspot-v1', secrets: clientSecret, body, headers, url }), 'hubspot-v1');
    });

    test('v2 signs the method: a POST signature is rejected for GET by both', () => {
        const headers = sdkHeaders('v2', body);
        assert.equal(sdkIsValid('v2', body, headers, 'GET'), false);
        assertRejected(hooksVerify({ provider: 'hubspot-v2', secrets: clientSecret, body, headers, url, args: ['--method=GET'] }),
            /signature/);
    });

    test('the SDK signs GET for v2, hooks verify --method GET accepts', () => {
        const headers = sdkHeaders('v2', body, { method: 'GET' });
        assertAcceptedAs(hooksVerify({ provider: 'hubspot-v2', secrets: clientSecret, body, headers, url, args: ['--method=GET'] }),
            'hubspot-v2');
    });
});

describe('hubspot-v3: the timestamp', () => {
    test('an SDK-signed delivery 400 s old is rejected by both', () => {
        const headers = sdkHeaders('v3', body, { timestamp: Date.now() - 400000 });
        assert.throws(() => sdkIsValid('v3', body, headers), /Timestamp is invalid/);
        assertRejected(hooksVerify({ provider: 'hubspot-v3', secrets: clientSecret, body, headers, url }), /old|ago/);
    });

    test('hooks sign --timestamp 400 s ago: the SDK and hooks verify reject it', () => {
        const timestamp = nowSeconds() - 400; // hooks takes seconds, HubSpot's header has milliseconds
        const signed = hooksSign({ provider: 'hubspot-v3', secrets: clientSecret, body, url, timestamp });
        assert.equal(signed.get('X-HubSpot-Request-Timestamp'), String(timestamp * 1000));
        assert.throws(() => sdkIsValid('v3', body, signed.object()), /Timestamp is invalid/);
        assertRejected(hooksVerify({ provider: 'hubspot-v3', secrets: clientSecret, body, headers: signed.headers, url }),
            /old|ago/);
    });

    test('290 s old is still fresh for both (5-minute window)', () => {
        const timestamp = Date.now() - 290000;
        const headers = sdkHeaders('v3', body, { timestamp });
        assert.equal(sdkIsValid('v3', body, headers), true);
        assertAcceptedAs(hooksVerify({ provider: 'hubspot-v3', secrets: clientSecret, body, headers, url }), 'hubspot-v3');
    });
});

describe('hubspot: published vectors through the SDK and hooks verify', () => {
    const docsV1Body = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const sdkBody = '{"example_field":"example_value"}';
    const pythonBody = "{'example_field':'example_value'}";
    const docsUrl = 'https://www.example.com/webhook_uri';
    const vectors = [
        { name: 'v1, docs FAQ / Node SDK', version: 'v1', body: docsV1Body,
            signature: '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de' },
        { name: 'v1, Python SDK', version: 'v1', body: pythonBody,
            signature: '69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750' },
        { name: 'v2 GET, docs FAQ / Node SDK', version: 'v2', method: 'GET', body: '',
            signature: 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e' },
        { name: 'v2 POST, Node SDK', version: 'v2', body: sdkBody,
            signature: '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900' },
        { name: 'v2 POST, Python SDK', version: 'v2', body: pythonBody,
            signature: '4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383' },
    ];
    for (const v of vectors) {
        test(`${v.name}: the SDK and hooks verify accept, hooks sign reproduces it`, () => {
            const method = v.method ?? 'POST';
            const provider = `hubspot-${v.version}`;
            assert.equal(Signature.isValid({
                signature: v.signature, clientSecret, requestBody: v.body, url: docsUrl, method,
                signatureVersion: v.version,
            }), true);
            const headers = { 'X-HubSpot-Signature': v.signature, 'X-HubSpot-Signature-Version': v.version };
            const args = [`--method=${method}`];
            assertAcceptedAs(hooksVerify({ provider, secrets: clientSecret, body: v.body, headers, url: docsUrl, args }),
                provider);
            assertAcceptedAs(hooksVerify({ secrets: clientSecret, body: v.body, headers, url: docsUrl, args }), provider);
            const signed = hooksSign({ provider, secrets: clientSecret, body: v.body, url: docsUrl, args });
            assert.equal(signed.get('X-HubSpot-Signature'), v.signature);
        });
    }

    test('v3, Python SDK (timestamp 1693657560000): getSignature and hooks sign reproduce it, hooks verify --now accepts', () => {
        const timestamp = 1693657560000;
        const signature = 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=';
        const sdk = Signature.getSignature('POST', 'v3', {
            clientSecret, requestBody: pythonBody, url: docsUrl, timestamp,
        });
        assert.equal(sdk, signature);
        const headers = { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) };
        const now = String(timestamp / 1000 + 10);
        assertAcceptedAs(hooksVerify({ provider: 'hubspot-v3', secrets: clientSecret, body: pythonBody, headers, url: docsUrl, now }),
            'hubspot-v3');
        // The SDK's isValid checks the timestamp against the real clock: the 2023 vector is too old.
        assert.throws(() => Signature.isValid({
            signature, clientSecret, requestBody: pythonBody, url: docsUrl, timestamp, signatureVersion: 'v3',
        }), /Timestamp is invalid/);
        assertRejected(hooksVerify({ provider: 'hubspot-v3', secrets: clientSecret, body: pythonBody, headers, url: docsUrl }),
            /old|ago/);
        const signed = hooksSign({
            provider: 'hubspot-v3', secrets: clientSecret, body: pythonBody, url: docsUrl, timestamp: timestamp / 1000,
        });
        assert.equal(signed.get('X-HubSpot-Signature-v3'), signature);
    });
});
