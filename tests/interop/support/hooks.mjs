// SPDX-License-Identifier: MIT
// Runs the real `hooks` binary (HOOKS_BIN) as a child process, and small helpers shared by the
// interop tests.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';

const hooksBin = process.env.HOOKS_BIN;

/// Fails the calling test file early, with a clear message, when HOOKS_BIN is not set.
export function requireHooks() {
    assert.ok(hooksBin, 'set HOOKS_BIN to the hooks binary (ctest does this)');
}

/// The child's environment: no secret or pinned clock leaks in from the caller, unless `extra`
/// sets them.
export function childEnv(extra) {
    const env = { ...process.env, NO_COLOR: '1', ...extra };
    delete env.HOOKS_SECRET;
    if (!extra || !('HOOKS_NOW' in extra)) {
        delete env.HOOKS_NOW;
    }
    return env;
}

/// Runs `hooks ARGS` without blocking the event loop (a receiver may live in this process);
/// resolves to {status, signal, stdout, stderr}. Killed after `timeout` ms.
export function runHooksAsync(args, { env, timeout = 30000 } = {}) {
    requireHooks();
    return new Promise((resolve, reject) => {
        const child = spawn(hooksBin, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
        child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
        const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
        child.on('error', (error) => { clearTimeout(timer); reject(error); });
        child.on('close', (status, signal) => {
            clearTimeout(timer);
            resolve({ status, signal, stdout, stderr });
        });
    });
}

/// The event names `hooks providers NAME --json` lists (at least one).
export function eventsOf(provider) {
    const result = runHooks(['providers', provider, '--json']);
    assert.equal(result.status, 0, `hooks providers ${provider}: ${result.stderr}`);
    const events = JSON.parse(result.stdout).events.map((event) => event.name);
    assert.ok(events.length > 0, `hooks providers ${provider} lists no events`);
    return events;
}

/// A receiver on 127.0.0.1, port 0. CHECK(rawBody, headers) returns {ok, ...details} (a thrown
/// error counts as not ok); the server answers 200 when ok and 401 otherwise, or the status
/// CHECK gives. Every request is kept, with its raw header list ([name, value] in wire order and
/// case). `url(path)` and `authority` say where it listens.
export async function startReceiver(check) {
    const seen = [];
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (chunk) => chunks.push(chunk));
        req.on('end', async () => {
            const raw = Buffer.concat(chunks);
            let verdict;
            try {
                verdict = await check(raw, req.headers);
            } catch (error) {
                verdict = { ok: false, error: String(error?.message ?? error) };
            }
            const status = verdict.status ?? (verdict.ok ? 200 : 401);
            const rawHeaders = [];
            for (let i = 0; i < req.rawHeaders.length; i += 2) {
                rawHeaders.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
            }
            seen.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders, raw, status, ...verdict });
            res.writeHead(status, { 'Content-Type': 'text/plain' });
            res.end(verdict.ok ? 'OK' : 'Invalid signature');
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return {
        seen,
        authority: `127.0.0.1:${port}`,
        url: (path = '') => `http://127.0.0.1:${port}${path}`,
        close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
    };
}

/// Runs `hooks ARGS` with BODY on stdin; returns {status, stdout, stderr}.
export function runHooks(args, { body = '', env } = {}) {
    requireHooks();
    const result = spawnSync(hooksBin, args, {
        input: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
        env: childEnv(env),
        encoding: 'utf8',
        timeout: 20000,
    });
    if (result.error) {
        throw result.error;
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function headerArgs(headers) {
    const list = Array.isArray(headers) ? headers : Object.entries(headers ?? {});
    return list.flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
}

function secretArgs(secrets) {
    return [].concat(secrets ?? []).map((secret) => `--secret=${secret}`);
}

/// `hooks sign --json`: returns {headers: [[name, value], ...], stderr, get(name), object()}.
/// Throws (failing the test) unless hooks exits 0.
export function hooksSign({ provider, secrets, body, id, timestamp, url, headers, args = [], env }) {
    const argv = ['sign', '--json', `--provider=${provider}`, ...secretArgs(secrets)];
    if (id !== undefined) argv.push(`--id=${id}`);
    if (timestamp !== undefined) argv.push(`--timestamp=${timestamp}`);
    if (url !== undefined) argv.push(`--url=${url}`);
    argv.push(...headerArgs(headers), ...args, '-');
    const result = runHooks(argv, { body, env });
    assert.equal(result.status, 0, `hooks sign failed: ${result.stderr}`);
    const output = JSON.parse(result.stdout);
    assert.equal(output.v, 1);
    assert.equal(output.provider, provider);
    const signed = output.headers;
    return {
        headers: signed,
        stderr: result.stderr,
        get(name) {
            const found = signed.filter(([n]) => n.toLowerCase() === name.toLowerCase());
            assert.equal(found.length, 1, `expected one ${name} header from hooks sign`);
            return found[0][1];
        },
        /// The headers as an object with lower-case names, as Node's http module presents them.
        object() {
            return Object.fromEntries(signed.map(([n, v]) => [n.toLowerCase(), v]));
        },
    };
}

/// `hooks verify`: returns {status, stdout, stderr}. Exactly one of 0 (valid), 1 (invalid), 2.
export function hooksVerify({ provider = 'auto', secrets, body, headers, url, now, args = [], env }) {
    const argv = ['verify', `--provider=${provider}`, ...secretArgs(secrets), ...headerArgs(headers)];
    if (url !== undefined) argv.push(`--url=${url}`);
    if (now !== undefined) argv.push(`--now=${now}`);
    argv.push(...args, '-');
    return runHooks(argv, { body, env });
}

/// Asserts that `hooks verify` accepted the delivery (exit 0, one "valid" line).
export function assertAccepted(result, what = 'hooks verify') {
    assert.equal(result.status, 0, `${what} rejected: ${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /^valid\b/);
}

/// Asserts that `hooks verify` accepted the delivery and that its valid line names PROVIDER (the
/// one given, or the one `--provider auto` decided on).
export function assertAcceptedAs(result, provider, what = 'hooks verify') {
    assertAccepted(result, what);
    const line = result.stdout.split('\n')[0];
    assert.equal(line.split(' ')[1], provider, `${what}: the valid line names another provider: ${line}`);
}

/// Asserts that `hooks verify` rejected the delivery as invalid (exit 1, one reason line).
export function assertRejected(result, reason = /./, what = 'hooks verify') {
    assert.equal(result.status, 1, `${what} gave exit ${result.status}: ${result.stdout}${result.stderr}`);
    const lines = result.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `expected one reason line, got: ${result.stdout}`);
    assert.match(lines[0], /^invalid: /);
    assert.match(lines[0], reason);
}

/// The body with exactly one byte changed: the last ASCII letter or digit becomes another one of
/// the same kind. In a JSON body only digits and letters inside strings qualify (not the letters of
/// true/false/null), so the body stays well-formed and only the signature can object.
export function tamper(body) {
    const bytes = Buffer.from(body);
    const isJson = bytes.includes(0x22);
    const insideString = (end) => {
        let inside = false;
        for (let i = 0; i < end; ++i) {
            if (bytes[i] === 0x5c) {
                ++i; // skip the escaped byte
            } else if (bytes[i] === 0x22) {
                inside = !inside;
            }
        }
        return inside;
    };
    for (let i = bytes.length - 1; i >= 0; --i) {
        const c = bytes[i];
        const isDigit = c >= 0x30 && c <= 0x39;
        const isLower = c >= 0x61 && c <= 0x7a;
        const isUpper = c >= 0x41 && c <= 0x5a;
        if (isDigit || ((isLower || isUpper) && (!isJson || insideString(i)))) {
            const base = isDigit ? 0x30 : isLower ? 0x61 : 0x41;
            const span = isDigit ? 10 : 26;
            bytes[i] = base + ((c - base + 1) % span);
            return typeof body === 'string' ? bytes.toString('utf8') : bytes;
        }
    }
    throw new Error('nothing to tamper with in the body');
}

/// Current UNIX time in seconds.
export function nowSeconds() {
    return Math.floor(Date.now() / 1000);
}
