// SPDX-License-Identifier: MIT
// GitHub (X-Hub-Signature-256: sha256=<hex>) against @octokit/webhooks-methods sign/verify.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { describe, test } from 'node:test';
import { sign, verify, verifyWithFallback } from '@octokit/webhooks-methods';

import { assertAccepted, assertRejected, childEnv, hooksSign, hooksVerify, tamper } from './support/hooks.mjs';

const secret = 'octo interop secret';
const oldSecret = 'octo previous secret';
const body = JSON.stringify({
    ref: 'refs/heads/main',
    repository: { full_name: 'octo-org/hello-world' },
    head_commit: { message: 'Fix naïve “quotes” — 🚀' },
}) + '\n'; // a trailing newline is part of the signed bytes

describe('github: library signs, hooks verifies', () => {
    test('hooks verify --provider github accepts octokit sign()', async () => {
        const signature = await sign(secret, body);
        assertAccepted(hooksVerify({ provider: 'github', secrets: secret, body, headers: { 'X-Hub-Signature-256': signature } }));
    });

    test('hooks verify --provider auto accepts and detects github', async () => {
        const signature = await sign(secret, body);
        const result = hooksVerify({ secrets: secret, body, headers: { 'X-Hub-Signature-256': signature }, args: ['--json'] });
        assert.equal(result.status, 0, result.stdout);
        assert.equal(JSON.parse(result.stdout).provider, 'github');
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signature = await sign(secret, body);
        const changed = tamper(body);
        assert.equal(await verify(secret, changed, signature), false);
        const headers = { 'X-Hub-Signature-256': signature };
        assertRejected(hooksVerify({ provider: 'github', secrets: secret, body: changed, headers }), /signature/);
    });

    test('signed with the previous secret: hooks with both secrets accepts, like verifyWithFallback', async () => {
        const signature = await sign(oldSecret, body);
        assert.equal(await verifyWithFallback(secret, body, signature, [oldSecret]), true);
        const headers = { 'X-Hub-Signature-256': signature };
        assertAccepted(hooksVerify({ provider: 'github', secrets: [secret, oldSecret], body, headers }));
        assertRejected(hooksVerify({ provider: 'github', secrets: secret, body, headers }));
    });
});

describe('github: hooks signs, library verifies', () => {
    test('octokit verify() accepts hooks sign --provider github', async () => {
        const signed = hooksSign({ provider: 'github', secrets: secret, body });
        assert.equal(signed.get('X-Hub-Signature-256'), await sign(secret, body));
        assert.equal(await verify(secret, body, signed.get('X-Hub-Signature-256')), true);
    });

    test('a one-byte change of the body is rejected by both', async () => {
        const signed = hooksSign({ provider: 'github', secrets: secret, body });
        const changed = tamper(body);
        assert.equal(await verify(secret, changed, signed.get('X-Hub-Signature-256')), false);
        assertRejected(hooksVerify({ provider: 'github', secrets: secret, body: changed, headers: signed.headers }));
    });

    test('a 1 MiB body is signed and verified whole', async () => {
        const big = JSON.stringify({ blob: 'ä€😀 '.repeat(1 << 16).slice(0, (1 << 20) - 32) });
        const signed = hooksSign({ provider: 'github', secrets: secret, body: big });
        assert.equal(await verify(secret, big, signed.get('X-Hub-Signature-256')), true);
        const headers = { 'X-Hub-Signature-256': await sign(secret, big) };
        assertAccepted(hooksVerify({ provider: 'github', secrets: secret, body: big, headers }));
        assertRejected(hooksVerify({ provider: 'github', secrets: secret, body: tamper(big), headers: signed.headers }));
    });

    test('dropping the trailing newline is a one-byte change the library also rejects', async () => {
        const signed = hooksSign({ provider: 'github', secrets: secret, body });
        const trimmed = body.slice(0, -1);
        assert.equal(await verify(secret, trimmed, signed.get('X-Hub-Signature-256')), false);
        assertRejected(hooksVerify({ provider: 'github', secrets: secret, body: trimmed, headers: signed.headers }));
    });
});

describe('github: published test vectors', () => {
    const vectors = [
        {
            // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries,
            // "Testing the webhook payload validation".
            source: "GitHub docs ('Hello, World!')",
            secret: "It's a Secret to Everybody",
            payload: 'Hello, World!',
            signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        },
        {
            // @octokit/webhooks-methods README (sign("mysecret", ...)) and its test suite, where the
            // payload is JSON.stringify({ foo: "bar" }).
            source: 'octokit webhooks-methods tests',
            secret: 'mysecret',
            payload: JSON.stringify({ foo: 'bar' }),
            signature: 'sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3',
        },
    ];
    for (const vector of vectors) {
        test(`${vector.source}: library and hooks sign it, hooks verifies it, rejects it changed`, async () => {
            assert.equal(await sign(vector.secret, vector.payload), vector.signature);
            const signed = hooksSign({ provider: 'github', secrets: vector.secret, body: vector.payload });
            assert.equal(signed.get('X-Hub-Signature-256'), vector.signature);
            const headers = { 'X-Hub-Signature-256': vector.signature };
            assertAccepted(hooksVerify({ provider: 'github', secrets: vector.secret, body: vector.payload, headers }));
            assertRejected(hooksVerify({ provider: 'github', secrets: vector.secret, body: tamper(vector.payload), headers }));
        });
    }
});

describe('github: a signature sent as a trailer by a streaming client', () => {
    test('hooks listen verifies octokit sign() carried in a chunked trailer from node:http', async () => {
        const child = spawn(process.env.HOOKS_BIN, ['listen', '--port', '0', '--provider', 'github',
            '--secret', secret, '--json', '--count', '2'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
        const exited = new Promise((resolve) => child.on('close', resolve));
        const url = await new Promise((resolve, reject) => {
            let stderr = '';
            child.stderr.setEncoding('utf8').on('data', (chunk) => {
                stderr += chunk;
                const listening = /^Listening on (http:\/\/\S+)\r?\n/m.exec(stderr);
                if (listening) {
                    resolve(listening[1]);
                }
            });
            exited.then(() => reject(new Error(`hooks listen exited: ${stderr}`)));
        });
        const post = (trailerSignature) => new Promise((resolve, reject) => {
            const request = http.request(`${url}/github`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', Trailer: 'X-Hub-Signature-256' },
            }, (response) => { response.resume(); response.on('end', () => resolve(response.statusCode)); });
            request.on('error', reject);
            // Streamed in two writes, so the body goes chunked and the signature after it.
            request.write(body.slice(0, 10));
            request.write(body.slice(10));
            request.addTrailers({ 'X-Hub-Signature-256': trailerSignature });
            request.end();
        });
        assert.equal(await post(await sign(secret, body)), 200);
        assert.equal(await post(await sign(oldSecret, body)), 200);
        assert.equal(await exited, 0);
        const [good, bad] = stdout.trim().split('\n').map((line) => JSON.parse(line));
        assert.equal(good.verify.ok, true, good.verify.reason);
        assert.equal(Buffer.from(good.body_b64, 'base64').toString('utf8'), body);
        assert.deepEqual(good.trailers.map(([name]) => name.toLowerCase()), ['x-hub-signature-256']);
        assert.equal(bad.verify.ok, false);
    });
});
