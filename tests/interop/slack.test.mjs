// SPDX-License-Identifier: MIT
// Slack has no library pinned here; this file holds the published test vector only: the worked
// example of "Verifying requests from Slack" (docs.slack.dev/authentication/verifying-requests-from-slack).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import { assertAccepted, assertRejected, hooksSign, hooksVerify, tamper } from './support/hooks.mjs';

const vector = {
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    timestamp: 1531420618,
    body:
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
        '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
        '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
        '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const headers = { 'X-Slack-Request-Timestamp': String(vector.timestamp), 'X-Slack-Signature': vector.signature };
const now = vector.timestamp;

describe('slack: published test vector (Slack docs)', () => {
    test('the documented basestring v0:<timestamp>:<body> gives the documented signature', () => {
        const mac = createHmac('sha256', vector.secret).update(`v0:${vector.timestamp}:${vector.body}`).digest('hex');
        assert.equal(`v0=${mac}`, vector.signature);
    });

    test('hooks verify --provider slack accepts it at its own time; auto detects slack', () => {
        assertAccepted(hooksVerify({ provider: 'slack', secrets: vector.secret, body: vector.body, headers, now }));
        const auto = hooksVerify({ secrets: vector.secret, body: vector.body, headers, now, args: ['--json'] });
        assert.equal(auto.status, 0, auto.stdout);
        assert.equal(JSON.parse(auto.stdout).provider, 'slack');
    });

    test('hooks sign --provider slack reproduces it', () => {
        const signed = hooksSign({ provider: 'slack', secrets: vector.secret, body: vector.body, timestamp: vector.timestamp });
        assert.equal(signed.get('X-Slack-Signature'), vector.signature);
        assert.equal(signed.get('X-Slack-Request-Timestamp'), String(vector.timestamp));
    });

    test('a one-byte change of the body, or a time 10 minutes later, is rejected', () => {
        const changed = tamper(vector.body);
        assertRejected(hooksVerify({ provider: 'slack', secrets: vector.secret, body: changed, headers, now }), /signature/);
        const later = now + 600;
        assertRejected(hooksVerify({ provider: 'slack', secrets: vector.secret, body: vector.body, headers, now: later }), /old|ago/);
    });
});
