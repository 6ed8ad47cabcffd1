// SPDX-License-Identifier: MIT
// The live list: `hooks listen --ui --provider auto` with three secrets, the page open in Chromium,
// deliveries signed by the official libraries (@octokit/webhooks-methods, stripe's
// generateTestHeaderString, standardwebhooks) posted by Node's http client. They appear in the
// open page without a reload, valid; a tampered one appears invalid with its reason; the filters
// (verdict, provider, event glob, text) and the keyboard (j/k/Enter, /, Escape) work; rows
// streaming in shift nothing on the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    apiJson,
    assertNoProblems,
    autoFlags,
    deliver,
    githubHeaders,
    launchBrowser,
    nextFrames,
    openPage,
    rowOf,
    shownCount,
    standardHeaders,
    startListen,
    stripeHeaders,
    testTimeout,
    tid,
    visibleRows,
    waitForCount,
    waitForDeliveries,
    waitForDetail,
} from './support/inspector.mjs';

const githubBody = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo-org/inspector' },
    head_commit: { message: 'Ünïcode “quotes” 🚀' } }) + '\n';
const stripeBody = JSON.stringify({ id: 'evt_live_1', object: 'event', type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_1', amount: 2000, currency: 'eur' } } });
const standardBody = JSON.stringify({ type: 'invoice.paid', timestamp: '2026-12-05T18:00:00Z',
    data: { id: 'inv_1', amount: 4200 } });
const tamperedBody = githubBody.replace('inspector', 'inspectoR');

describe('inspector: live list', () => {
    let listen;
    let browser;
    let page;
    // seq by name, once delivered.
    const seqs = {};

    before(async () => {
        listen = await startListen(autoFlags());
        browser = await launchBrowser();
        page = await openPage(browser);
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await listen?.stop();
    });

    test('the page opens with an empty list and info says listen, provider auto, no replay target', { timeout: testTimeout }, async () => {
        const info = await apiJson(listen.ui, '/api/info');
        assert.equal(info.mode, 'listen');
        assert.equal(info.provider, 'auto');
        assert.equal(info.replay_to, null);
        assert.equal(info.count, 0);
        await page.goto(listen.ui.url);
        await page.locator(tid('list')).waitFor({ state: 'visible' });
        await waitForCount(page, 0);
        assert.equal(await page.locator(tid('row')).count(), 0);
    });

    test('deliveries signed by octokit, stripe and standardwebhooks appear live, valid', { timeout: testTimeout }, async () => {
        // A marker that a reload would lose.
        await page.evaluate(() => { window.__noReload = true; });
        assert.equal(await deliver(`${listen.url}/github/push`, githubBody,
            await githubHeaders(githubBody, { delivery: '11111111-aaaa-bbbb-cccc-000000000001' })), 200);
        await waitForCount(page, 1);
        assert.equal(await deliver(`${listen.url}/stripe/beta`, stripeBody, stripeHeaders(stripeBody)), 200);
        assert.equal(await deliver(`${listen.url}/standard`, standardBody, standardHeaders(standardBody)), 200);
        await waitForCount(page, 3);
        const deliveries = await waitForDeliveries(listen.ui, 3);
        for (const summary of deliveries) {
            seqs[summary.provider] = summary.seq;
            assert.equal(summary.verdict, 'valid', `${summary.provider}: ${summary.reason}`);
        }
        assert.deepEqual(Object.keys(seqs).sort(), ['github', 'standard', 'stripe']);
        for (const [provider, seq] of Object.entries(seqs)) {
            const row = rowOf(page, seq);
            await row.waitFor({ state: 'visible' });
            assert.equal(await row.getAttribute('data-verdict'), 'valid', provider);
            const text = await row.textContent();
            assert.match(text, /POST/, `${provider} row: ${text}`);
            assert.match(text, new RegExp(provider), `${provider} row names its provider: ${text}`);
            assert.ok(/valid/i.test(text) && !/invalid/i.test(text), `${provider} row says valid: ${text}`);
        }
        assert.match(await rowOf(page, seqs.github).textContent(), /\/github\/push/);
        assert.match(await rowOf(page, seqs.github).textContent(), /push/);
        assert.match(await rowOf(page, seqs.stripe).textContent(), /payment_intent\.succeeded/);
        assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was reloaded');
        assertNoProblems(page);
    });

    test('a tampered delivery appears invalid, with the reason in the row data and the detail', { timeout: testTimeout }, async () => {
        // Signed for githubBody, sent with one letter changed.
        const headers = await githubHeaders(githubBody, { event: 'pull_request', delivery: '11111111-aaaa-bbbb-cccc-000000000002' });
        assert.equal(await deliver(`${listen.url}/github/tampered`, tamperedBody, headers), 200);
        await waitForCount(page, 4);
        const deliveries = await waitForDeliveries(listen.ui, 4);
        const tampered = deliveries.find((summary) => summary.target === '/github/tampered');
        assert.ok(tampered);
        seqs.tampered = tampered.seq;
        assert.equal(tampered.verdict, 'invalid');
        assert.notEqual(tampered.reason, '');
        const row = rowOf(page, tampered.seq);
        await row.waitFor({ state: 'visible' });
        assert.equal(await row.getAttribute('data-verdict'), 'invalid');
        assert.match(await row.textContent(), /invalid/i);
        await row.click();
        await waitForDetail(page, tampered.seq);
        const verdict = await page.locator(tid('detail-verdict')).textContent();
        assert.match(verdict, /invalid/i);
        assert.ok(verdict.includes(tampered.reason), `detail-verdict "${verdict}" lacks the reason "${tampered.reason}"`);
        const explain = await page.locator(tid('detail-explain')).textContent();
        assert.match(explain, /X-Hub-Signature-256/i, `the explanation names the header: ${explain}`);
        // Headers in wire order, as received.
        const detail = await apiJson(listen.ui, `/api/deliveries/${tampered.seq}`);
        const shown = await page.locator(tid('header-row')).allTextContents();
        assert.equal(shown.length, detail.headers.length);
        detail.headers.forEach(([name], i) => assert.ok(shown[i].includes(name), `header-row ${i} "${shown[i]}" is not ${name}`));
        assert.equal(detail.body_text, tamperedBody);
        assertNoProblems(page);
    });

    test('the verdict filter shows only invalid, then only valid deliveries', { timeout: testTimeout }, async () => {
        await page.locator(tid('filter-verdict')).selectOption('invalid');
        await waitForCount(page, 1);
        let rows = await visibleRows(page);
        assert.deepEqual(rows.map((row) => row.seq), [seqs.tampered]);
        await page.locator(tid('filter-verdict')).selectOption('valid');
        await waitForCount(page, 3);
        rows = await visibleRows(page);
        assert.equal(rows.length, 3);
        assert.ok(rows.every((row) => row.verdict === 'valid'), JSON.stringify(rows));
        await page.locator(tid('filter-verdict')).selectOption('all');
        await waitForCount(page, 4);
    });

    test('the provider filter shows only that provider', { timeout: testTimeout }, async () => {
        await page.locator(tid('filter-provider')).selectOption('stripe');
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [seqs.stripe]);
        await page.locator(tid('filter-provider')).selectOption('github');
        await waitForCount(page, 2);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq).sort(), [seqs.github, seqs.tampered].sort());
        await page.locator(tid('filter-provider')).selectOption({ index: 0 }); // all providers
        await waitForCount(page, 4);
    });

    test('the event filter takes a glob', { timeout: testTimeout }, async () => {
        await page.locator(tid('filter-event')).fill('payment_*');
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [seqs.stripe]);
        await page.locator(tid('filter-event')).fill('pu*');
        await waitForCount(page, 2); // push and pull_request
        await page.locator(tid('filter-event')).fill('');
        await waitForCount(page, 4);
    });

    test('the text filter matches the path, the id and the reason', { timeout: testTimeout }, async () => {
        const text = page.locator(tid('filter-text'));
        await text.fill('beta');
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [seqs.stripe]);
        await text.fill('evt_live_1'); // Stripe's event id, from the body
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [seqs.stripe]);
        await text.fill('000000000002'); // the tampered one's X-GitHub-Delivery
        await waitForCount(page, 1);
        assert.deepEqual((await visibleRows(page)).map((row) => row.seq), [seqs.tampered]);
        await text.fill('no delivery holds this text');
        await waitForCount(page, 0);
        assert.equal((await visibleRows(page)).length, 0);
        await text.fill('');
        await waitForCount(page, 4);
    });

    test('a delivery arriving while a filter hides it does not show, and shows once cleared', { timeout: testTimeout }, async () => {
        await page.locator(tid('filter-provider')).selectOption('stripe');
        await waitForCount(page, 1);
        const body = JSON.stringify({ ref: 'refs/heads/later' });
        assert.equal(await deliver(`${listen.url}/github/later`, body, await githubHeaders(body)), 200);
        const deliveries = await waitForDeliveries(listen.ui, 5);
        seqs.later = deliveries.at(-1).seq;
        await page.waitForTimeout(1000); // time for the stream to bring it
        assert.equal(await shownCount(page), 1);
        assert.equal(await rowOf(page, seqs.later).count(), 0);
        await page.locator(tid('filter-provider')).selectOption({ index: 0 });
        await waitForCount(page, 5);
        await rowOf(page, seqs.later).waitFor({ state: 'visible' });
    });

    test('keyboard: / focuses the text filter, Escape leaves it, j/k move the selection, Enter opens it', { timeout: testTimeout }, async () => {
        await page.evaluate(() => document.activeElement?.blur());
        await page.keyboard.press('/');
        assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'filter-text');
        await page.keyboard.press('Escape');
        assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'filter-text');
        // The typed '/' must not have stayed in the filter.
        assert.equal(await page.locator(tid('filter-text')).inputValue(), '');

        const order = (await visibleRows(page)).map((row) => row.seq);
        assert.equal(order.length, 5);
        const selectedIndex = async () => {
            await nextFrames(page); // the list redraws the selection at the next frame
            const rows = await visibleRows(page);
            const selected = rows.filter((row) => row.selected);
            assert.equal(selected.length, 1, `one selected row expected: ${JSON.stringify(rows.map((r) => [r.seq, r.selected]))}`);
            return order.indexOf(selected[0].seq);
        };
        await page.keyboard.press('j');
        const first = await selectedIndex();
        // Move to the top whatever was selected before.
        for (let i = 0; i < first; ++i) {
            await page.keyboard.press('k');
        }
        assert.equal(await selectedIndex(), 0);
        await page.keyboard.press('j');
        assert.equal(await selectedIndex(), 1);
        await page.keyboard.press('j');
        assert.equal(await selectedIndex(), 2);
        await page.keyboard.press('k');
        assert.equal(await selectedIndex(), 1);
        await page.keyboard.press('Enter');
        await waitForDetail(page, order[1]);
        await page.keyboard.press('j');
        assert.equal(await selectedIndex(), 2);
        await page.keyboard.press('Enter');
        await waitForDetail(page, order[2]);
        assertNoProblems(page);
    });

    test('no layout shift while deliveries stream in', { timeout: testTimeout }, async () => {
        await page.locator(tid('filter-text')).fill('');
        await waitForCount(page, 5);
        await page.evaluate(() => {
            window.__shifts = [];
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) {
                    if (!entry.hadRecentInput) {
                        window.__shifts.push(entry.value);
                    }
                }
            }).observe({ type: 'layout-shift' });
        });
        for (let i = 0; i < 5; ++i) {
            const body = JSON.stringify({ ref: `refs/heads/stream-${i}` });
            assert.equal(await deliver(`${listen.url}/github/stream`, body, await githubHeaders(body)), 200);
            await waitForCount(page, 6 + i);
        }
        await page.waitForTimeout(500);
        const shifts = await page.evaluate(() => window.__shifts);
        const score = shifts.reduce((sum, value) => sum + value, 0);
        console.log(`inspector: layout shift while 5 deliveries streamed in: ${score.toFixed(4)} (${shifts.length} shifts)`);
        assert.ok(score < 0.05, `cumulative layout shift ${score}`);
    });
});
