// SPDX-License-Identifier: MIT
// Shared by the inspector's browser tests: runs `hooks listen --ui` and `hooks inspect` (the real
// binary, HOOKS_BIN) on port 0 and reads their printed URLs, talks to the inspector's API over
// plain HTTP, sends deliveries signed by the providers' official libraries, writes delivery logs,
// and drives the system Chromium (CHROMIUM) through playwright-core. Everything stays on
// 127.0.0.1: Chromium resolves no names, and the tests report any request elsewhere.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { sign as octokitSign } from '@octokit/webhooks-methods';
import { chromium } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';

import { childEnv, requireHooks } from '../../interop/support/hooks.mjs';

/// Per-test time-out: the CI machine is slow and the suite also runs under AddressSanitizer.
export const testTimeout = 60000;
/// How long to wait for something to appear in the page.
export const waitTimeout = 20000;

/// The Content-Security-Policy every inspector response carries (the contract, verbatim).
export const expectedCsp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Secrets, all whsec_<base64> so that one `--provider auto` run can hold the three of them (a
/// Standard Webhooks key must decode; GitHub and Stripe use theirs verbatim).
export const secrets = {
    github: 'whsec_' + Buffer.from('github secret for the inspector!').toString('base64'),
    stripe: 'whsec_' + Buffer.from('stripe secret for the inspector!').toString('base64'),
    standard: 'whsec_' + Buffer.from('standard secret for inspector!!!').toString('base64'),
};

const stripe = new Stripe('sk_test_inspector_not_a_real_key'); // never used for an API call

/// `--ui-assets DIR` when HOOKS_UI_ASSETS is set (to test a page under development), else nothing.
function uiAssetArgs() {
    const dir = process.env.HOOKS_UI_ASSETS;
    return dir ? ['--ui-assets', path.resolve(dir)] : [];
}

/// A temporary directory removed by the returned cleanup.
export function tempDir(prefix = 'hooks-browser-') {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    return { dir, file: (name) => path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/// Spawns `hooks ARGS` and resolves once stderr holds every line PATTERNS names (regexps with one
/// capture group each); resolves to {child, found: {key: capture}, stderr(), stop()}.
function startHooks(args, patterns, { cwd } = {}) {
    requireHooks();
    const child = spawn(process.env.HOOKS_BIN, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    const exited = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
            await exited;
            clearTimeout(timer);
        }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            stop();
            reject(new Error(`hooks ${args.join(' ')}: no ${Object.keys(patterns).join('/')} line within 30 s: ${stderr}`));
        }, 30000);
        child.on('error', (error) => { clearTimeout(timer); reject(error); });
        exited.then(({ status, signal }) => {
            clearTimeout(timer);
            reject(new Error(`hooks ${args.join(' ')} exited (${status ?? signal}) before it was ready: ${stderr}`));
        });
        child.stderr.setEncoding('utf8').on('data', (chunk) => {
            stderr += chunk;
            const found = {};
            for (const [key, pattern] of Object.entries(patterns)) {
                const match = pattern.exec(stderr);
                if (!match) {
                    return;
                }
                found[key] = match;
            }
            clearTimeout(timer);
            resolve({ child, found, stderr: () => stderr, stdout: () => stdout, stop, exited });
        });
    });
}

const listeningLine = /^Listening on (http:\/\/\S+)\r?\n/m;
const inspectorLine = /^Inspector on (http:\/\/127\.0\.0\.1:(\d+))\/#token=([0-9a-f]{32})\r?\n/m;

function inspectorOf(match) {
    const [, origin, port, token] = match;
    return { origin, port: Number(port), token, url: `${origin}/#token=${token}` };
}

/// `hooks listen --port 0 --ui ARGS`: {url (where deliveries go), ui: {origin, port, token, url},
/// stop(), stderr()}.
export async function startListen(args = []) {
    const started = await startHooks(['listen', '--port', '0', '--ui', ...uiAssetArgs(), ...args],
        { listening: listeningLine, inspector: inspectorLine });
    return { ...started, url: started.found.listening[1], ui: inspectorOf(started.found.inspector) };
}

/// `hooks inspect FILE ARGS` (run in CWD when given): {ui: {origin, port, token, url}, stop(),
/// stderr()}.
export async function startInspect(file, args = [], { cwd } = {}) {
    const started = await startHooks(['inspect', file, ...uiAssetArgs(), ...args], { inspector: inspectorLine }, { cwd });
    return { ...started, ui: inspectorOf(started.found.inspector) };
}

/// `hooks listen --port 0 --log FILE --quiet ARGS` (no inspector) to record deliveries: {url, stop()}.
export async function startRecorder(log, args = []) {
    const started = await startHooks(['listen', '--port', '0', '--log', log, '--quiet', ...args],
        { listening: listeningLine });
    return { ...started, url: started.found.listening[1] };
}

/// Records `deliveries` ({path, body, headers}) into `log` with a `hooks listen --log` of its own
/// (`args` added), each answered 200, then stops it.
export async function recordLog(log, deliveries, args = []) {
    const recorder = await startRecorder(log, args);
    try {
        for (const { path: target, body, headers } of deliveries) {
            assert.equal(await deliver(`${recorder.url}${target}`, body, headers), 200);
        }
    } finally {
        await recorder.stop();
    }
}

/// One HTTP request with Node's client (so that Host, Origin and the like can be anything):
/// resolves to {status, headers, body (Buffer), text(), json()}.
export function request(url, { method = 'GET', headers = {}, body } = {}) {
    // The path goes out as written (new URL would resolve '..' and decode nothing, but normalise).
    const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
    assert.ok(match, `not an http://host:port URL: ${url}`);
    const [, hostname, port, path = '/'] = match;
    return new Promise((resolve, reject) => {
        const req = http.request({ hostname, port: Number(port), path, method, headers, agent: false }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => {
                const raw = Buffer.concat(chunks);
                resolve({
                    status: res.statusCode,
                    headers: res.headers,
                    body: raw,
                    text: () => raw.toString('utf8'),
                    json: () => JSON.parse(raw.toString('utf8')),
                });
            });
            res.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(30000, () => req.destroy(new Error(`${method} ${url}: no answer within 30 s`)));
        if (body !== undefined) {
            req.write(body);
        }
        req.end();
    });
}

/// A request to the inspector's API with its token (unless `token` says otherwise) and, for a
/// POST with an object body, Content-Type: application/json.
export function api(ui, apiPath, { method = 'GET', body, headers = {}, token = ui.token } = {}) {
    const all = { ...headers };
    if (token !== null && !Object.keys(all).some((name) => name.toLowerCase() === 'x-hooks-token')) {
        all['X-Hooks-Token'] = token;
    }
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
        payload = JSON.stringify(body);
        if (!Object.keys(all).some((name) => name.toLowerCase() === 'content-type')) {
            all['Content-Type'] = 'application/json';
        }
    }
    return request(`${ui.origin}${apiPath}`, { method, headers: all, body: payload });
}

/// GET an API path and parse its JSON, asserting 200.
export async function apiJson(ui, apiPath) {
    const response = await api(ui, apiPath);
    assert.equal(response.status, 200, `GET ${apiPath}: ${response.status} ${response.text()}`);
    return response.json();
}

/// The list's row fields, in the order the server sends them (the wire contract, verbatim).
export const rowFields = ['seq', 'received_at', 'method', 'target', 'provider', 'event_type', 'verdict', 'reason',
    'status', 'size', 'redelivery', 'attempt', 'content_type', 'id', 'log_seq'];

/// Summary objects from compact rows, asserting that each row holds one value per field.
export function summariesFrom(fields, rows) {
    assert.ok(Array.isArray(rows), `rows is ${JSON.stringify(rows)}, not an array`);
    return rows.map((row) => {
        assert.ok(Array.isArray(row) && row.length === fields.length,
            `a row holds ${JSON.stringify(row)}, not ${fields.length} values`);
        return Object.fromEntries(fields.map((field, index) => [field, row[index]]));
    });
}

/// GET /api/deliveries (plus `query`), asserting its shape: {deliveries (summary objects built
/// from the rows), last_seq, fields, rows}.
export async function listDeliveries(ui, query = '') {
    const page = await apiJson(ui, `/api/deliveries${query}`);
    assert.deepEqual(page.fields, rowFields, 'the list names its row fields');
    assert.equal(page.deliveries, undefined, 'the list sends rows, not objects');
    return { ...page, deliveries: summariesFrom(page.fields, page.rows) };
}

/// Waits until GET /api/deliveries lists at least N deliveries; returns the summaries.
export async function waitForDeliveries(ui, n, timeout = waitTimeout) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const { deliveries } = await listDeliveries(ui);
        if (deliveries.length >= n || Date.now() > deadline) {
            assert.ok(deliveries.length >= n, `the inspector lists ${deliveries.length} deliveries, expected ${n}`);
            return deliveries;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/// POSTs BODY to URL (a listen address plus path) with HEADERS ([name, value] pairs, in this
/// order, after Host and, unless HEADERS has one, Content-Type: application/json); resolves to
/// the status.
export async function deliver(url, body, headers = []) {
    // A raw header list keeps order and case, but Node then adds no Host of its own.
    const all = [['Host', new URL(url).host]];
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) {
        all.push(['Content-Type', 'application/json']);
    }
    all.push(...headers, ['Content-Length', String(Buffer.byteLength(body))]);
    const response = await request(url, { method: 'POST', headers: all.flat(), body });
    return response.status;
}

/// GitHub headers, the signature made by @octokit/webhooks-methods.
export async function githubHeaders(body, { secret = secrets.github, event = 'push', delivery } = {}) {
    const headers = [['X-GitHub-Event', event], ['X-Hub-Signature-256', await octokitSign(secret, body)]];
    if (delivery) {
        headers.push(['X-GitHub-Delivery', delivery]);
    }
    return headers;
}

/// Stripe-Signature made by stripe.webhooks.generateTestHeaderString.
export function stripeHeaders(body, { secret = secrets.stripe } = {}) {
    return [['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload: body, secret })]];
}

/// Standard Webhooks headers, signed by the `standardwebhooks` reference library.
export function standardHeaders(body, { secret = secrets.standard, id = 'msg_inspector_1' } = {}) {
    const now = new Date();
    return [
        ['webhook-id', id],
        ['webhook-timestamp', String(Math.floor(now.getTime() / 1000))],
        ['webhook-signature', new StandardWebhook(secret).sign(id, now, body)],
    ];
}

/// The `--provider auto --secret ...` flags that verify all three of the above.
export function autoFlags() {
    return ['--provider', 'auto', '--secret', secrets.github, '--secret', secrets.stripe, '--secret', secrets.standard];
}

/// The lines of a JSONL log (without their '\n').
export function logLines(file) {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/// sha256 hex of a buffer or string.
export function sha256(data) {
    return createHash('sha256').update(data).digest('hex');
}

/// Starts the system Chromium headless.
export async function launchBrowser() {
    const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
    return chromium.launch({
        executablePath,
        headless: true,
        // Every host name fails to resolve: only 127.0.0.1 is reached.
        args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-first-run', '--disable-sync',
            '--disable-background-networking', '--disable-component-update'],
    });
}

function isLoopback(url) {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') {
        return true;
    }
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/// A new page at 1280x720 (unless VIEWPORT), with `problems`: uncaught page errors,
/// Content-Security-Policy violations reported on the console, and any request for somewhere
/// other than 127.0.0.1.
export async function openPage(browser, { viewport = { width: 1280, height: 720 }, colorScheme = 'light' } = {}) {
    const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
    const problems = [];
    const page = await context.newPage();
    page.setDefaultTimeout(waitTimeout);
    // Recorded rather than intercepted (interception would sit in the way of the event stream);
    // --host-resolver-rules has already made every name but an IP literal unreachable.
    context.on('request', (req) => {
        if (!isLoopback(req.url())) {
            problems.push(`request outside loopback: ${req.url()}`);
        }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // The page's last console lines and failed requests, for a failure's message.
    const recent = [];
    const note = (line) => {
        recent.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
        recent.splice(0, Math.max(0, recent.length - 30));
    };
    page.on('requestfailed', (req) => note(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    page.on('console', (message) => note(`console.${message.type()}: ${message.text()}`));
    page.recent = recent;
    page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) {
            problems.push(`console: ${message.text()}`);
        }
    });
    page.problems = problems;
    page.closeAll = () => context.close();
    return page;
}

/// Asserts that the page reported none of openPage's problems.
export function assertNoProblems(page) {
    assert.deepEqual(page.problems, [], `the page had problems:\n${page.problems.join('\n')}`);
}

/// `[data-testid="ID"]`.
export function tid(id) {
    return `[data-testid="${id}"]`;
}

/// The number the `count` element shows ("N deliveries"; separators such as "10,000" allowed).
export async function shownCount(page) {
    const text = await page.locator(tid('count')).textContent();
    const match = /(\d[\d,.\u00a0\u202f ]*)\s*deliver(?:y|ies)\b/i.exec(text ?? '');
    assert.ok(match, `count shows "${text}", not "N deliveries"`);
    return Number(match[1].replace(/[^\d]/g, ''));
}

/// Resolves after two animation frames of the page (a render scheduled now has happened).
export function nextFrames(page) {
    return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/// Waits until the `count` element shows N (and, for N <= 10, as many rows are shown).
export async function waitForCount(page, n, timeout = waitTimeout) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
        try {
            last = await shownCount(page);
        } catch (error) {
            last = String(error.message);
        }
        // The rows follow the count at the next animation frame: wait for it, then (for a
        // short list, which fits) for as many rows.
        if (last === n) {
            await nextFrames(page);
            if (n > 10 || (await visibleRows(page)).length === n) {
                return;
            }
        }
        if (Date.now() >= deadline) {
            const rows = await visibleRows(page).catch(() => []);
            assert.fail(`count never showed ${n} deliveries (last: ${last}); rows shown: ` +
                `${rows.map((row) => row.seq).join(' ') || 'none'}; page log:\n${(page.recent ?? []).join('\n')}`);
        }
        await page.waitForTimeout(50);
    }
}

/// The visible rows' {seq, verdict, selected, text}, top to bottom (by position, so that a
/// virtualised list whose DOM order differs from its visual order reads right).
export async function visibleRows(page) {
    return page.locator(tid('row')).evaluateAll((rows) => rows
        .map((row) => ({ row, rect: row.getBoundingClientRect() }))
        .filter(({ rect }) => rect.height > 0)
        .sort((a, b) => a.rect.top - b.rect.top)
        .map(({ row }) => ({
            seq: Number(row.getAttribute('data-seq')),
            verdict: row.getAttribute('data-verdict'),
            selected: row.getAttribute('aria-selected') === 'true',
            text: row.textContent,
        })));
}

/// The row of delivery SEQ.
export function rowOf(page, seq) {
    return page.locator(`${tid('row')}[data-seq="${seq}"]`);
}

/// Opens delivery SEQ's detail by clicking its row; waits until `detail-seq` shows SEQ.
export async function openDetail(page, seq) {
    await rowOf(page, seq).click();
    await waitForDetail(page, seq);
}

/// Waits until the detail pane shows delivery SEQ.
export async function waitForDetail(page, seq) {
    await page.locator(tid('detail')).waitFor({ state: 'visible' });
    await page.waitForFunction((want) => {
        const el = document.querySelector('[data-testid="detail-seq"]');
        return el && (el.textContent.match(/\d+/) ?? [])[0] === String(want);
    }, seq, { timeout: waitTimeout });
}

/// Where screenshots go (HOOKS_ARTIFACTS_DIR, else build-less runs use a temporary directory).
export function artifactsDir() {
    const dir = process.env.HOOKS_ARTIFACTS_DIR || path.join(os.tmpdir(), 'hooks-inspector-screenshots');
    mkdirSync(dir, { recursive: true });
    return dir;
}
