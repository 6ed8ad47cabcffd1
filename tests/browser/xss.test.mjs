// SPDX-License-Identifier: MIT
// Deliveries are text, never HTML: bodies, header values, paths, ids and event types holding
// `<img src=x onerror=...>` and `</script><script>...</script>` are shown literally in the list,
// the detail (tree, raw and safe views, headers), the edit dialog and the compare view; no <img>
// or <script> of theirs appears and nothing they hold runs (window.__xss stays undefined).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    assertNoProblems,
    autoFlags,
    deliver,
    githubHeaders,
    launchBrowser,
    openDetail,
    openPage,
    rowOf,
    startListen,
    testTimeout,
    tid,
    waitForCount,
    waitForDeliveries,
} from './support/inspector.mjs';

const img = '<img src=x onerror=window.__xss=1>';
const script = '</script><script>window.__xss=2</script>';

const deliveries = [
    {
        path: '/</script><script>window.__xss=2</script>',
        contentType: 'text/html',
        body: `${img}${script}<b>bold</b>\n`,
        headers: [['X-Evil', img], ['X-Evil-Script', script]],
    },
    {
        path: '/x<img/src=x/onerror=window.__xss=3>?q=%3Cimg%20src=x%20onerror=window.__xss=1%3E',
        contentType: 'application/json',
        body: JSON.stringify({ [img]: script, nested: { html: img, list: [script, '<svg onload=window.__xss=6>'] } }),
        headers: [['X-Evil', script]],
    },
    {
        path: '/github',
        contentType: 'application/json',
        body: JSON.stringify({ action: img, note: script }),
        github: { event: '<img src=x onerror=window.__xss=4>', delivery: '<img src=x onerror=window.__xss=5>' },
        headers: [],
    },
];

/// Nothing from the deliveries became markup, and nothing ran.
async function assertInert(page, where) {
    const state = await page.evaluate(() => ({
        xss: typeof window.__xss === 'undefined' ? 'undefined' : String(window.__xss),
        foreignImages: document.querySelectorAll('img[src="x"], img[onerror], svg[onload], [onerror], [onload]').length,
        // The page's own images sit in its top bar; any other one came from a delivery.
        otherImages: [...document.querySelectorAll('img, svg image')].filter((el) => !el.closest('header')).length,
        detailImages: document.querySelectorAll('[data-testid="detail"] img').length,
        inlineScripts: [...document.querySelectorAll('script')].filter((s) => !s.src || s.textContent.trim() !== '').length,
    }));
    assert.deepEqual(state, { xss: 'undefined', foreignImages: 0, otherImages: 0, detailImages: 0, inlineScripts: 0 }, where);
}

describe('inspector: delivery content stays text', () => {
    let listen;
    let browser;
    let page;
    let summaries;

    before(async () => {
        listen = await startListen(autoFlags());
        for (const delivery of deliveries) {
            const headers = [['Content-Type', delivery.contentType], ...delivery.headers];
            if (delivery.github) {
                headers.push(...await githubHeaders(delivery.body, delivery.github));
            }
            assert.equal(await deliver(`${listen.url}${delivery.path}`, delivery.body, headers), 200);
        }
        summaries = await waitForDeliveries(listen.ui, deliveries.length);
        browser = await launchBrowser();
        page = await openPage(browser);
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await listen?.stop();
    });

    test('the list shows paths, event types and ids as text', { timeout: testTimeout }, async () => {
        await page.goto(listen.ui.url);
        await waitForCount(page, deliveries.length);
        await assertInert(page, 'list');
        const first = await rowOf(page, summaries[0].seq).textContent();
        assert.ok(first.includes('</script><script>window.__xss=2</script>'), `row: ${first}`);
        const second = await rowOf(page, summaries[1].seq).textContent();
        assert.ok(second.includes('<img/src=x/onerror=window.__xss=3>'), `row: ${second}`);
        const third = await rowOf(page, summaries[2].seq).textContent();
        assert.ok(third.includes('<img src=x onerror=window.__xss=4>'), `row (event type): ${third}`);
        assertNoProblems(page);
    });

    for (const [index, delivery] of deliveries.entries()) {
        test(`delivery ${index + 1}: detail, headers and every body view stay text`, { timeout: testTimeout }, async () => {
            const { seq } = summaries[index];
            await openDetail(page, seq);
            await assertInert(page, `detail of ${seq}`);
            const headerRows = await page.locator(tid('header-row')).allTextContents();
            for (const [name, value] of delivery.headers) {
                assert.ok(headerRows.some((row) => row.includes(name) && row.includes(value)),
                    `no header-row shows ${name}: ${value} literally: ${JSON.stringify(headerRows)}`);
            }
            await page.locator(tid('tab-raw')).click();
            await page.locator(tid('body-raw')).waitFor({ state: 'visible' });
            assert.equal(await page.locator(tid('body-raw')).textContent(), delivery.body);
            await assertInert(page, `raw body of ${seq}`);
            if (delivery.contentType === 'application/json') {
                await page.locator(tid('tab-tree')).click();
                const tree = page.locator(tid('body-tree'));
                await tree.waitFor({ state: 'visible' });
                const text = await tree.textContent();
                assert.ok(text.includes(img) || text.includes(JSON.stringify(img)), `tree: ${text}`);
                assert.ok(text.includes('window.__xss=2'), `tree: ${text}`);
                await assertInert(page, `tree of ${seq}`);
            }
            const safeTab = page.locator(tid('tab-safe'));
            if (await safeTab.isEnabled()) {
                await safeTab.click();
                await page.locator(tid('body-safe')).waitFor({ state: 'visible' });
                await assertInert(page, `safe view of ${seq}`);
            }
            assertNoProblems(page);
        });
    }

    test('the edit dialog holds the body and headers as text', { timeout: testTimeout }, async () => {
        await openDetail(page, summaries[0].seq);
        await page.locator(tid('edit')).click();
        await page.locator(tid('edit-dialog')).waitFor({ state: 'visible' });
        assert.equal(await page.locator(tid('edit-body')).inputValue(), deliveries[0].body);
        assert.ok((await page.locator(tid('edit-headers')).inputValue()).includes(`X-Evil: ${img}`));
        await assertInert(page, 'edit dialog');
        await page.keyboard.press('Escape');
        await page.locator(tid('edit-dialog')).waitFor({ state: 'hidden' });
    });

    test('the compare view of two such deliveries stays text', { timeout: testTimeout }, async () => {
        await openDetail(page, summaries[0].seq);
        await page.locator(tid('compare')).click();
        await openDetail(page, summaries[1].seq);
        await page.locator(tid('compare')).click();
        const view = page.locator(tid('compare-view'));
        await view.waitFor({ state: 'visible' });
        const text = await view.textContent();
        assert.ok(text.includes(script), `compare view: ${text.slice(0, 400)}`);
        await assertInert(page, 'compare view');
        assert.equal(await page.locator(`${tid('compare-view')} img`).count(), 0);
        assertNoProblems(page);
    });
});
