// SPDX-License-Identifier: MIT
// Twilio against the official `twilio` library: validateRequest (URL + sorted form parameters)
// and validateRequestWithBody (JSON bodies: the URL carries bodySHA256 and only the URL is signed).
import assert from 'node:assert/strict';
import querystring from 'node:querystring';
import { describe, test } from 'node:test';
import twilio from 'twilio';

import { assertAccepted, assertRejected, hooksSign, hooksVerify, tamper } from './support/hooks.mjs';

const token = 'twilio-interop-auth-token-0123456789';
const url = 'https://hooks.example.com/twilio/sms?tenant=acme&lang=de';
const params = {
    MessageSid: 'SM0123456789abcdef0123456789abcdef',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+14155550100',
    To: '+4930123456',
    Body: 'Grüße aus Köln & 100% Spaß + mehr',
    NumMedia: '0',
};
// The wire form Twilio POSTs (application/x-www-form-urlencoded: '+' is %2B, a space is '+').
const formBody = new URLSearchParams(params).toString();
const jsonBody = JSON.stringify({ event: 'com.twilio.messaging.message.delivered', data: { sid: 'SM1', to: '+4930123456' } });

// What an Express app with express.urlencoded() hands to validateRequest.
const parsed = (body) => ({ ...querystring.parse(body) });

function noteUrl(stderr) {
    const match = /send to (\S+)/.exec(stderr);
    assert.ok(match, `expected a note with the bodySHA256 URL on stderr, got: ${stderr}`);
    return match[1];
}

describe('twilio form: library signs, hooks verifies', () => {
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    const headers = { 'X-Twilio-Signature': signature, 'Content-Type': 'application/x-www-form-urlencoded' };

    test('hooks verify --provider twilio accepts', () => {
        assertAccepted(hooksVerify({ provider: 'twilio', secrets: token, body: formBody, headers, url }));
    });

    test('hooks verify --provider auto accepts and detects twilio', () => {
        const result = hooksVerify({ secrets: token, body: formBody, headers, url, args: ['--json'] });
        assert.equal(result.status, 0, result.stdout + result.stderr);
        assert.equal(JSON.parse(result.stdout).provider, 'twilio');
    });

    test('a one-byte change of the body is rejected by both', () => {
        const changed = tamper(formBody);
        assert.equal(twilio.validateRequest(token, signature, url, parsed(changed)), false);
        assertRejected(hooksVerify({ provider: 'twilio', secrets: token, body: changed, headers, url }), /signature/);
    });

    test('signed for the URL with :443, checked against the URL without a port: both accept', () => {
        const withPort = url.replace('hooks.example.com', 'hooks.example.com:443');
        const portSignature = twilio.getExpectedTwilioSignature(token, withPort, params);
        assert.equal(twilio.validateRequest(token, portSignature, url, params), true);
        const portHeaders = { 'X-Twilio-Signature': portSignature };
        assertAccepted(hooksVerify({ provider: 'twilio', secrets: token, body: formBody, headers: portHeaders, url }));
    });

    test('another URL (query changed) is rejected by both', () => {
        const other = url.replace('lang=de', 'lang=fr');
        assert.equal(twilio.validateRequest(token, signature, other, params), false);
        assertRejected(hooksVerify({ provider: 'twilio', secrets: token, body: formBody, headers, url: other }));
    });
});

describe('twilio form: hooks signs, library verifies', () => {
    test('validateRequest accepts hooks sign --provider twilio --url', () => {
        const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
        const signed = hooksSign({ provider: 'twilio', secrets: token, body: formBody, url, headers });
        assert.equal(signed.get('X-Twilio-Signature'), twilio.getExpectedTwilioSignature(token, url, params));
        assert.equal(twilio.validateRequest(token, signed.get('X-Twilio-Signature'), url, parsed(formBody)), true);
    });

    test('repeated parameters are sorted and de-duplicated as the library does', () => {
        const body = 'Digits=5678&Sid=CA123&Digits=1234&SidAccount=AC123&Digits=1234';
        const signed = hooksSign({ provider: 'twilio', secrets: token, body, url });
        assert.deepEqual(parsed(body).Digits, ['5678', '1234', '1234']);
        assert.equal(twilio.validateRequest(token, signed.get('X-Twilio-Signature'), url, parsed(body)), true);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'twilio', secrets: token, body: formBody, url });
        const changed = tamper(formBody);
        assert.equal(twilio.validateRequest(token, signed.get('X-Twilio-Signature'), url, parsed(changed)), false);
        assertRejected(hooksVerify({ provider: 'twilio', secrets: token, body: changed, headers: signed.headers, url }));
    });
});

describe('twilio JSON (bodySHA256): library signs, hooks verifies', () => {
    const hashedUrl = `${url}&bodySHA256=${twilio.getExpectedBodyHash(jsonBody)}`;
    const signature = twilio.getExpectedTwilioSignature(token, hashedUrl, {});
    const headers = { 'X-Twilio-Signature': signature, 'Content-Type': 'application/json' };

    test('hooks verify --url <URL with bodySHA256> accepts', () => {
        assert.equal(twilio.validateRequestWithBody(token, signature, hashedUrl, jsonBody), true);
        assertAccepted(hooksVerify({ provider: 'twilio', secrets: token, body: jsonBody, headers, url: hashedUrl }));
    });

    test('hooks verify --provider auto accepts', () => {
        assertAccepted(hooksVerify({ secrets: token, body: jsonBody, headers, url: hashedUrl }));
    });

    test('a one-byte change of the body is rejected by both', () => {
        const changed = tamper(jsonBody);
        assert.equal(twilio.validateRequestWithBody(token, signature, hashedUrl, changed), false);
        const result = hooksVerify({ provider: 'twilio', secrets: token, body: changed, headers, url: hashedUrl });
        assertRejected(result, /bodySHA256|body/);
    });
});

describe('twilio JSON (bodySHA256): hooks signs, library verifies', () => {
    test('hooks sign notes the URL with bodySHA256; validateRequestWithBody accepts', () => {
        const headers = { 'Content-Type': 'application/json' };
        const signed = hooksSign({ provider: 'twilio', secrets: token, body: jsonBody, url, headers });
        const sentTo = noteUrl(signed.stderr);
        assert.equal(sentTo, `${url}&bodySHA256=${twilio.getExpectedBodyHash(jsonBody)}`);
        assert.equal(twilio.validateRequestWithBody(token, signed.get('X-Twilio-Signature'), sentTo, jsonBody), true);
    });

    test('a JSON body is recognised without a Content-Type header too', () => {
        const signed = hooksSign({ provider: 'twilio', secrets: token, body: jsonBody, url: 'https://hooks.example.com/json' });
        const sentTo = noteUrl(signed.stderr);
        assert.match(sentTo, /^https:\/\/hooks\.example\.com\/json\?bodySHA256=[0-9a-f]{64}$/);
        assert.equal(twilio.validateRequestWithBody(token, signed.get('X-Twilio-Signature'), sentTo, jsonBody), true);
    });

    test('a one-byte change of the body is rejected by both', () => {
        const signed = hooksSign({ provider: 'twilio', secrets: token, body: jsonBody, url });
        const sentTo = noteUrl(signed.stderr);
        const changed = tamper(jsonBody);
        assert.equal(twilio.validateRequestWithBody(token, signed.get('X-Twilio-Signature'), sentTo, changed), false);
        assertRejected(hooksVerify({ provider: 'twilio', secrets: token, body: changed, headers: signed.headers, url: sentTo }));
    });
});

// Twilio's request-validation example (auth token 12345), published in the twilio-php docs
// (docs/usage/validation.rst) and, with the variants below, in the Twilio SDKs' test suites
// (twilio-php tests/Twilio/Unit/Security/RequestValidatorTest.php). The installed library must
// reproduce each one as well.
describe('twilio: published test vectors', () => {
    const vectorUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const vectorParams = {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+14158675309',
        Digits: '1234',
        From: '+14158675309',
        To: '+18005551212',
    };
    const vectorBody = new URLSearchParams(vectorParams).toString();
    const formVectors = [
        { name: 'documented example', url: vectorUrl, body: vectorBody, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
        {
            name: 'array with duplicates',
            url: vectorUrl,
            body: 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234',
            signature: 'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
        },
        {
            name: 'URL with :1234, signed without the port',
            url: vectorUrl.replace('.com', '.com:1234'),
            body: vectorBody,
            signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
        },
        { name: 'https URL, signed with :443', url: vectorUrl, body: vectorBody, signature: 'kvajT1Ptam85bY51eRf/AJRuM3w=' },
        {
            name: 'http URL, signed with :80',
            url: vectorUrl.replace('https', 'http'),
            body: vectorBody,
            signature: '0ZXoZLH/DfblKGATFgpif+LLRf4=',
        },
    ];
    for (const vector of formVectors) {
        test(`${vector.name}: the library and hooks accept it, and reject it changed`, () => {
            assert.equal(twilio.validateRequest('12345', vector.signature, vector.url, parsed(vector.body)), true);
            const headers = { 'X-Twilio-Signature': vector.signature };
            assertAccepted(hooksVerify({ provider: 'twilio', secrets: '12345', body: vector.body, headers, url: vector.url }));
            const changed = tamper(vector.body);
            assertRejected(hooksVerify({ provider: 'twilio', secrets: '12345', body: changed, headers, url: vector.url }));
        });
    }

    test('documented example: hooks sign reproduces the signature', () => {
        const signed = hooksSign({ provider: 'twilio', secrets: '12345', body: vectorBody, url: vectorUrl });
        assert.equal(signed.get('X-Twilio-Signature'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    });

    test('bodySHA256 example: the library and hooks accept it, hooks signs it identically', () => {
        const body = '{"property": "value", "boolean": true}';
        const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
        const signature = 'a9nBmqA0ju/hNViExpshrM61xv4=';
        const hashedUrl = `${vectorUrl}&bodySHA256=${bodyHash}`;
        assert.equal(twilio.getExpectedBodyHash(body), bodyHash);
        assert.equal(twilio.validateRequestWithBody('12345', signature, hashedUrl, body), true);
        const headers = { 'X-Twilio-Signature': signature };
        assertAccepted(hooksVerify({ provider: 'twilio', secrets: '12345', body, headers, url: hashedUrl }));
        assertRejected(hooksVerify({ provider: 'twilio', secrets: '12345', body: tamper(body), headers, url: hashedUrl }));
        const signed = hooksSign({ provider: 'twilio', secrets: '12345', body, url: vectorUrl });
        assert.equal(noteUrl(signed.stderr), hashedUrl);
        assert.equal(signed.get('X-Twilio-Signature'), signature);
    });
});
