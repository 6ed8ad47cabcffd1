// SPDX-License-Identifier: MIT
// Edit, re-sign and replay: a GitHub delivery signed by @octokit/webhooks-methods is recorded by
// `hooks listen --log`, then opened with `hooks inspect LOG --to URL --provider github --secret S`.
// In the page: replay as recorded, then edit the body, check (verdict before: invalid; after
// re-signing: valid), send without and with re-signing. The download buttons save the log line
// and a HAR. A node:http receiver verifies every
// request with octokit's verify(); the page shows its answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';

import { startReceiver } from '../interop/support/hooks.mjs';
import {
    api,
    apiJson,
    assertNoProblems,
    githubHeaders,
    launchBrowser,
    logLines,
    openDetail,
    openPage,
    recordLog,
    secrets,
    startInspect,
    tempDir,
    testTimeout,
    tid,
    waitTimeout,
} from './support/inspector.mjs';

const secret = secrets.github;
const body = JSON.stringify({ action: 'opened', number: 7, pull_request: { title: 'Add the inspector', draft: false } });
const edited = body.replace('Add the inspector', 'Add the inspector, edited');

/// Waits until the receiver has N requests.
async function received(receiver, n) {
    const deadline = Date.now() + waitTimeout;
    while (receiver.seen.length < n) {
        assert.ok(Date.now() < deadline, `the receiver got ${receiver.seen.length} requests, expected ${n}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return receiver.seen[n - 1];
}

describe('inspector: edit, re-sign and replay to a receiver that verifies with octokit', () => {
    let tmp;
    let log;
    let receiver;
    let inspect;
    let browser;
    let page;

    before(async () => {
        tmp = tempDir();
        log = tmp.file('github.jsonl');
        const headers = await githubHeaders(body, { event: 'pull_request', delivery: 'a1b2c3d4-0000-4000-8000-000000000001' });
        await recordLog(log, [{ path: '/github', body, headers }], ['--provider', 'github', '--secret', secret]);
        receiver = await startReceiver(async (raw, headers) => ({
            ok: await octokitVerify(secret, raw.toString('utf8'), headers['x-hub-signature-256'] ?? 'none'),
        }));
        inspect = await startInspect(log, ['--to', receiver.url('/hook'), '--provider', 'github', '--secret', secret]);
        browser = await launchBrowser();
        page = await openPage(browser);
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await inspect?.stop();
        await receiver?.close();
        tmp?.remove();
    });

    test('info: inspect mode, replay target and re-signing available', { timeout: testTimeout }, async () => {
        const info = await apiJson(inspect.ui, '/api/info');
        assert.equal(info.mode, 'inspect');
        assert.equal(info.replay_to, receiver.url('/hook'));
        assert.equal(info.can_resign, true);
        assert.equal(info.count, 1);
    });

    test('the check API re-signs an edited body the way octokit signs it, and never returns the secret', { timeout: testTimeout }, async () => {
        const detail = await apiJson(inspect.ui, '/api/deliveries/1');
        assert.equal(detail.verify.ok, true);
        const response = await api(inspect.ui, '/api/deliveries/1/check', {
            method: 'POST', body: { headers: detail.headers, body_text: edited, resign: true },
        });
        assert.equal(response.status, 200, response.text());
        const result = response.json();
        assert.equal(result.before.ok, false);
        assert.equal(result.after.ok, true, result.after.reason);
        const signature = result.headers.filter(([name]) => name.toLowerCase() === 'x-hub-signature-256');
        assert.deepEqual(signature.map(([, value]) => value), [await octokitSign(secret, edited)]);
        assert.ok(!response.text().includes(secret), 'the secret came back');
        const unsigned = await api(inspect.ui, '/api/deliveries/1/check', {
            method: 'POST', body: { headers: detail.headers, body_text: edited, resign: false },
        });
        assert.equal(unsigned.status, 200, unsigned.text());
        assert.equal(unsigned.json().before.ok, false);
        assert.equal(unsigned.json().after, null);
    });

    test('replay as recorded reaches the receiver byte-exact, and octokit accepts it', { timeout: testTimeout }, async () => {
        await page.goto(inspect.ui.url);
        await openDetail(page, 1);
        const button = page.locator(tid('replay'));
        assert.equal(await button.isEnabled(), true);
        await button.click();
        const request = await received(receiver, 1);
        assert.equal(request.method, 'POST');
        assert.equal(request.raw.toString('utf8'), body);
        assert.equal(request.ok, true, 'octokit rejected the replayed delivery');
        assert.equal(request.headers['x-github-delivery'], 'a1b2c3d4-0000-4000-8000-000000000001');
        assertNoProblems(page);
    });

    test('the JSONL and HAR buttons save the exact log line and a HAR of the request', { timeout: testTimeout }, async () => {
        const save = async (testid) => {
            const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid(testid)).click()]);
            const file = tmp.file(download.suggestedFilename());
            await download.saveAs(file);
            return { name: download.suggestedFilename(), text: readFileSync(file, 'utf8') };
        };
        const jsonl = await save('download-jsonl');
        assert.equal(jsonl.name, 'delivery-1.jsonl');
        assert.equal(jsonl.text.replace(/\n$/, ''), logLines(log)[0]);
        const har = await save('download-har');
        assert.equal(har.name, 'delivery-1.har');
        const entry = JSON.parse(har.text).log.entries[0];
        assert.equal(entry.request.postData.text, body);
        assertNoProblems(page);
    });

    test('edit: the body changed without re-signing is invalid before, and the receiver refuses it', { timeout: testTimeout }, async () => {
        await page.locator(tid('edit')).click();
        const dialog = page.locator(tid('edit-dialog'));
        await dialog.waitFor({ state: 'visible' });
        assert.equal(await page.locator(tid('edit-body')).inputValue(), body);
        const headersText = await page.locator(tid('edit-headers')).inputValue();
        assert.match(headersText, /^X-GitHub-Event: pull_request$/mi);
        assert.match(headersText, /^X-Hub-Signature-256: sha256=[0-9a-f]{64}$/mi);
        await page.locator(tid('edit-body')).fill(edited);
        await page.locator(tid('edit-resign')).setChecked(false);
        await page.locator(tid('edit-check')).click();
        await page.waitForFunction(() => /\binvalid\b/i.test(document.querySelector('[data-testid="verdict-before"]')?.textContent ?? ''));
        await page.locator(tid('edit-send')).click();
        const request = await received(receiver, 2);
        assert.equal(request.raw.toString('utf8'), edited);
        assert.equal(request.ok, false);
        await page.waitForFunction(() => /\b401\b/.test(document.querySelector('[data-testid="replay-result"]')?.textContent ?? ''));
    });

    test('edit, re-sign: invalid before, valid after, and octokit accepts what the receiver gets', { timeout: testTimeout }, async () => {
        await page.locator(tid('edit-resign')).setChecked(true);
        await page.locator(tid('edit-check')).click();
        await page.waitForFunction(() => {
            const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
            return /\binvalid\b/i.test(text('verdict-before')) && /\bvalid\b/i.test(text('verdict-after')) &&
                !/\binvalid\b/i.test(text('verdict-after'));
        });
        await page.locator(tid('edit-send')).click();
        const request = await received(receiver, 3);
        assert.equal(request.raw.toString('utf8'), edited);
        assert.equal(request.ok, true, 'octokit rejected the re-signed delivery');
        assert.equal(request.headers['x-hub-signature-256'], await octokitSign(secret, edited));
        await page.waitForFunction(() => /\b200\b/.test(document.querySelector('[data-testid="replay-result"]')?.textContent ?? ''));
        const dialogText = await page.locator(tid('edit-dialog')).textContent();
        assert.ok(!dialogText.includes(secret), 'the secret reached the page');
        assertNoProblems(page);
    });
});

describe('inspector: no replay target', () => {
    let tmp;
    let inspect;
    let browser;
    let page;

    before(async () => {
        tmp = tempDir();
        const log = tmp.file('github.jsonl');
        await recordLog(log, [{ path: '/github', body, headers: await githubHeaders(body) }]);
        inspect = await startInspect(log);
        browser = await launchBrowser();
        page = await openPage(browser);
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await inspect?.stop();
        tmp?.remove();
    });

    test('the replay button is disabled and says to start inspect with --to', { timeout: testTimeout }, async () => {
        const info = await apiJson(inspect.ui, '/api/info');
        assert.equal(info.replay_to, null);
        assert.equal(info.can_resign, false);
        await page.goto(inspect.ui.url);
        await openDetail(page, 1);
        const button = page.locator(tid('replay'));
        assert.equal(await button.isDisabled(), true);
        const why = (await button.getAttribute('title')) ?? '';
        assert.match(why, /--to\b/, `tooltip: "${why}"`);
        assertNoProblems(page);
    });
});
