// SPDX-License-Identifier: MIT
// Screenshots of the list and of a detail view, light and dark (the page follows
// prefers-color-scheme), at 1280x720, into HOOKS_ARTIFACTS_DIR (CI keeps them): list-light.png,
// list-dark.png, detail-light.png, detail-dark.png. With HOOKS_UPDATE_SCREENSHOTS=1 the detail
// views are also copied to docs/inspector-light.png and docs/inspector-dark.png for the README.
// The log behind them is varied: GitHub, Stripe and Standard Webhooks deliveries signed by their
// libraries, a tampered one, a retried one (500, then 200), an unsigned one and a binary one.
// Also checked: the two themes differ, the status filter and the redelivery marker, and the page
// fits a narrow window without scrolling sideways.
import assert from 'node:assert/strict';
import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import {
    artifactsDir,
    assertNoProblems,
    autoFlags,
    deliver,
    githubHeaders,
    launchBrowser,
    openDetail,
    openPage,
    rowOf,
    standardHeaders,
    startInspect,
    startRecorder,
    stripeHeaders,
    tempDir,
    testTimeout,
    tid,
    visibleRows,
    waitForCount,
} from './support/inspector.mjs';

const docsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

const push = JSON.stringify({
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5',
    repository: { id: 1296269, full_name: 'octo-org/hello-world', private: false },
    pusher: { name: 'mona', email: 'mona@example.com' },
    head_commit: { id: '59b20b8d', message: 'Add the inspector', timestamp: '2026-12-05T18:00:00Z' },
});
const payment = JSON.stringify({
    id: 'evt_3QxYz', object: 'event', type: 'payment_intent.succeeded', created: 1764957600,
    data: { object: { id: 'pi_3QxYz', amount: 2000, currency: 'eur', status: 'succeeded' } },
});
const invoice = JSON.stringify({ type: 'invoice.paid', timestamp: '2026-12-05T18:01:00Z', data: { id: 'inv_42', amount: 4200 } });
const issue = JSON.stringify({ action: 'opened', issue: { number: 18, title: 'A local web inspector' } });

/// Relative luminance (0 black .. 1 white) of a CSS rgb()/rgba() colour.
function luminance(color) {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/// The page's background colour: the first opaque one of body and html.
async function background(page) {
    return page.evaluate(() => {
        for (const el of [document.body, document.documentElement]) {
            const color = getComputedStyle(el).backgroundColor;
            if (color && !/rgba\(.*,\s*0\)$/.test(color) && color !== 'transparent') {
                return color;
            }
        }
        return 'rgb(255, 255, 255)';
    });
}

describe('inspector: screenshots and themes', () => {
    let tmp;
    let inspect;
    let browser;
    let page;
    const count = 8;
    let detailSeq;

    before(async () => {
        tmp = tempDir();
        const log = tmp.file('deliveries.jsonl');
        const recorder = await startRecorder(log, [...autoFlags(), '--respond', '/retry/first=500']);
        const send = async (target, body, headers) => assert.ok([200, 500].includes(await deliver(`${recorder.url}${target}`, body, headers)));
        await send('/github', push, await githubHeaders(push, { delivery: '7c1e0c2a-d2d6-11ef-8f5e-1b2c3d4e5f60' }));
        await send('/stripe/webhook', payment, stripeHeaders(payment));
        await send('/standard', invoice, standardHeaders(invoice, { id: 'msg_2Lh8zfGhbgmYZt9kbWqhoM3Kaq1' }));
        await send('/github', push.replace('Add the', 'Remove the'), await githubHeaders(push, { delivery: '8d2f1d3b-d2d6-11ef-8f5e-1b2c3d4e5f60' }));
        const retried = await githubHeaders(issue, { event: 'issues', delivery: '9e3a2e4c-d2d6-11ef-8f5e-1b2c3d4e5f60' });
        await send('/retry/first', issue, retried);
        await send('/retry/then', issue, retried);
        await send('/plain', JSON.stringify({ note: 'no signature at all' }), []);
        await send('/upload', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]), [['Content-Type', 'application/octet-stream']]);
        await recorder.stop();
        detailSeq = 6; // the retried GitHub delivery's second attempt: attempts, a JSON tree, valid
        // Run where the log is, so that the page names it "deliveries.jsonl", not a temporary path.
        inspect = await startInspect('deliveries.jsonl', autoFlags(), { cwd: tmp.dir });
        browser = await launchBrowser();
        page = await openPage(browser, { viewport: { width: 1280, height: 720 } });
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await inspect?.stop();
        tmp?.remove();
    });

    const shots = {};

    for (const scheme of ['light', 'dark']) {
        test(`${scheme}: list and detail at 1280x720`, { timeout: testTimeout }, async () => {
            await page.emulateMedia({ colorScheme: scheme });
            await page.goto('about:blank');
            await page.goto(inspect.ui.url);
            await waitForCount(page, count);
            await page.locator(tid('row')).nth(count - 1).waitFor({ state: 'visible' });
            await page.evaluate(() => document.fonts?.ready);
            shots[scheme] = { background: await background(page) };
            const dir = artifactsDir();
            const list = path.join(dir, `list-${scheme}.png`);
            await page.screenshot({ path: list });
            await openDetail(page, detailSeq);
            const attempts = await page.locator(tid('attempts')).textContent();
            assert.match(attempts, /500/, `attempts: ${attempts}`);
            assert.match(attempts, /200/, `attempts: ${attempts}`);
            await page.locator(tid('tab-tree')).click();
            await page.locator(tid('body-tree')).waitFor({ state: 'visible' });
            // Clicking the tab scrolled the pane: show it from the top (verdict and explanation).
            await page.locator(tid('detail')).evaluate((el) => { el.scrollTop = 0; });
            await page.evaluate(() => window.scrollTo(0, 0));
            const detail = path.join(dir, `detail-${scheme}.png`);
            await page.screenshot({ path: detail });
            for (const file of [list, detail]) {
                assert.ok(statSync(file).size > 10000, `${file} is suspiciously small`);
            }
            console.log(`inspector: screenshots ${list} and ${detail}`);
            if (process.env.HOOKS_UPDATE_SCREENSHOTS === '1') {
                const doc = path.join(docsDir, `inspector-${scheme}.png`);
                copyFileSync(detail, doc);
                console.log(`inspector: updated ${doc}`);
            }
            // Nothing sticks out sideways at 1280 px.
            assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
                'the page scrolls sideways at 1280 px');
            assertNoProblems(page);
        });
    }

    test('the dark theme is dark and the light theme light', { timeout: testTimeout }, () => {
        assert.ok(shots.light && shots.dark, 'the screenshot tests ran first');
        const light = luminance(shots.light.background);
        const dark = luminance(shots.dark.background);
        assert.ok(light > 0.5, `light background ${shots.light.background}`);
        assert.ok(dark < 0.2, `dark background ${shots.dark.background}`);
    });

    test('the status filter, and the redelivery marker on the second attempt only', { timeout: testTimeout }, async () => {
        await page.keyboard.press('Escape');
        const status = page.locator(tid('filter-status'));
        await status.fill('5xx');
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [5]);
        await status.fill('200');
        await waitForCount(page, count - 1);
        await status.fill('');
        await waitForCount(page, count);
        assert.equal(await rowOf(page, 6).locator(tid('redelivery')).count(), 1);
        for (const seq of [1, 2, 3, 4, 5, 7, 8]) {
            assert.equal(await rowOf(page, seq).locator(tid('redelivery')).count(), 0, `row ${seq} is marked a redelivery`);
        }
        assertNoProblems(page);
    });

    test('a narrow window (420 px) shows the list without scrolling sideways', { timeout: testTimeout }, async () => {
        await page.setViewportSize({ width: 420, height: 800 });
        await page.emulateMedia({ colorScheme: 'light' });
        await page.goto('about:blank');
        await page.goto(inspect.ui.url);
        await waitForCount(page, count);
        await page.locator(tid('row')).first().waitFor({ state: 'visible' });
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
            'the page scrolls sideways at 420 px');
        await page.screenshot({ path: path.join(artifactsDir(), 'list-narrow.png') });
        await openDetail(page, detailSeq);
        assert.ok(await page.locator(tid('detail')).isVisible());
        assertNoProblems(page);
    });
});
