// SPDX-License-Identifier: MIT
// Compare two deliveries: two Stripe-shaped events that differ in one amount, one header, and in
// their ids and timestamps, recorded by `hooks listen --log` and opened with `hooks inspect`.
// The compare view marks the changed JSON field (data-path) and header (data-header) with
// `diff-changed`, leaves the equal ones unmarked, and with `compare-ignore-volatile` drops the
// id and timestamp differences but keeps the real ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    assertNoProblems,
    launchBrowser,
    openDetail,
    openPage,
    recordLog,
    startInspect,
    tempDir,
    testTimeout,
    tid,
    waitForCount,
} from './support/inspector.mjs';

function event(letter, { amount, created }) {
    return JSON.stringify({
        id: `evt_${letter}`,
        object: 'event',
        created,
        type: 'charge.succeeded',
        data: { object: { id: `ch_${letter}`, amount, currency: 'eur', description: 'Café ☕' } },
    });
}

const a = { body: event('A', { amount: 2000, created: 1764950000 }), headers: [['X-Foo', 'one'], ['X-Request-Id', 'req_A']] };
const b = { body: event('B', { amount: 2500, created: 1764950042 }), headers: [['X-Foo', 'two'], ['X-Request-Id', 'req_B']] };

/// The data-path and data-header values of the diff-changed elements in the compare view.
async function marked(page) {
    return page.locator(`${tid('compare-view')} ${tid('diff-changed')}`).evaluateAll((elements) => {
        const visible = elements.filter((el) => el.getClientRects().length > 0);
        const unique = (values) => [...new Set(values.filter((v) => v !== null))].sort();
        return {
            paths: unique(visible.map((el) => el.getAttribute('data-path'))),
            headers: unique(visible.map((el) => el.getAttribute('data-header')?.toLowerCase() ?? null)),
        };
    });
}

describe('inspector: compare', () => {
    let tmp;
    let inspect;
    let browser;
    let page;

    before(async () => {
        tmp = tempDir();
        const log = tmp.file('two.jsonl');
        await recordLog(log, [{ path: '/stripe', ...a }, { path: '/stripe', ...b }]);
        inspect = await startInspect(log);
        browser = await launchBrowser();
        page = await openPage(browser);
        await page.goto(inspect.ui.url);
        await waitForCount(page, 2);
    });

    after(async () => {
        await page?.closeAll();
        await browser?.close();
        await inspect?.stop();
        tmp?.remove();
    });

    test('marking A then comparing with B shows both, the amount and X-Foo marked changed', { timeout: testTimeout }, async () => {
        await openDetail(page, 1);
        await page.locator(tid('compare')).click();
        await openDetail(page, 2);
        await page.locator(tid('compare')).click();
        const view = page.locator(tid('compare-view'));
        await view.waitFor({ state: 'visible' });
        const text = await view.textContent();
        assert.ok(text.includes('2000') && text.includes('2500'), 'both amounts are shown');
        const ignore = page.locator(tid('compare-ignore-volatile'));
        await ignore.setChecked(false);
        await page.locator(`${tid('diff-changed')}[data-path="/data/object/amount"]`).first().waitFor({ state: 'visible' });
        const { paths, headers } = await marked(page);
        for (const path of ['/data/object/amount', '/id', '/created', '/data/object/id']) {
            assert.ok(paths.includes(path), `${path} is not marked changed: ${JSON.stringify(paths)}`);
        }
        for (const path of ['/data/object/currency', '/type', '/object', '/data/object/description']) {
            assert.ok(!paths.includes(path), `${path} is marked changed though equal: ${JSON.stringify(paths)}`);
        }
        assert.ok(headers.includes('x-foo'), `X-Foo is not marked changed: ${JSON.stringify(headers)}`);
        assert.ok(headers.includes('x-request-id'), `X-Request-Id is not marked changed: ${JSON.stringify(headers)}`);
        assert.ok(!headers.includes('content-type'), `Content-Type is marked changed though equal: ${JSON.stringify(headers)}`);
        assertNoProblems(page);
    });

    test('ignoring ids and timestamps leaves only the amount and X-Foo', { timeout: testTimeout }, async () => {
        await page.locator(tid('compare-ignore-volatile')).setChecked(true);
        await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="compare-view"] [data-testid="diff-changed"][data-path="/id"]')]
            .some((el) => el.getClientRects().length > 0));
        const { paths, headers } = await marked(page);
        assert.deepEqual(paths, ['/data/object/amount']);
        assert.deepEqual(headers, ['x-foo']);
        await page.locator(tid('compare-ignore-volatile')).setChecked(false);
        await page.locator(`${tid('diff-changed')}[data-path="/created"]`).first().waitFor({ state: 'visible' });
        assertNoProblems(page);
    });

    test('the c key marks A and then compares, like the button', { timeout: testTimeout }, async () => {
        await page.keyboard.press('Escape');
        await page.locator(tid('compare-view')).waitFor({ state: 'hidden' });
        await openDetail(page, 2);
        await page.keyboard.press('c');
        await openDetail(page, 1);
        await page.keyboard.press('c');
        await page.locator(tid('compare-view')).waitFor({ state: 'visible' });
        await page.locator(`${tid('diff-changed')}[data-path="/data/object/amount"]`).first().waitFor({ state: 'visible' });
        assertNoProblems(page);
    });
});
