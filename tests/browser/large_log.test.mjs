// SPDX-License-Identifier: MIT
// A 10,000-delivery log in `hooks inspect`: two GitHub deliveries (one valid, one tampered)
// recorded by `hooks listen --log`, their lines replicated with new seq, ids, times and paths.
// Measures the time from navigation to the list showing "10000 deliveries" with its first rows
// and prints it; asserts only a generous bound (the 1 s is reported, not asserted, so a
// slow or sanitised run cannot flake). The list is virtualised (far fewer rows in the DOM than
// deliveries), scrolls to its far end, and filters the whole log.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
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
    visibleRows,
    waitForCount,
} from './support/inspector.mjs';

const total = 10000;
/// The asserted bound on the list's first render: generous, and more so under AddressSanitizer
/// (the asan test preset sets ASAN_OPTIONS), so that only a real regression fails.
const bound = process.env.ASAN_OPTIONS ? 30000 : 10000;
const body = JSON.stringify({ ref: 'refs/heads/main', commits: [{ id: 'c0ffee', message: 'Render ten thousand rows' }] });

/// The log: `total` records made from the two recorded templates, every tenth one invalid.
function writeLargeLog(file, [valid, invalid]) {
    const start = Date.parse('2026-12-05T08:00:00.000Z');
    const lines = [];
    for (let seq = 1; seq <= total; ++seq) {
        const record = JSON.parse(seq % 10 === 0 ? invalid : valid);
        const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
        record.seq = seq;
        record.id = id;
        record.received_at = new Date(start + seq * 250).toISOString();
        record.target = `/github/${seq}`;
        record.headers = record.headers.map(([name, value]) => [name, name === 'X-GitHub-Delivery' ? id : value]);
        lines.push(JSON.stringify(record));
    }
    writeFileSync(file, lines.join('\n') + '\n');
}

describe('inspector: a 10,000-delivery log', () => {
    let tmp;
    let inspect;
    let browser;
    let page;

    before(async () => {
        tmp = tempDir();
        const recorded = tmp.file('recorded.jsonl');
        const headers = await githubHeaders(body, { delivery: '00000000-0000-4000-8000-000000000000' });
        await recordLog(recorded, [{ path: '/github', body, headers },
            { path: '/github', body: body.replace('ten', 'Ten'), headers }],
        ['--provider', 'github', '--secret', secrets.github]);
        const templates = logLines(recorded);
        assert.equal(templates.length, 2);
        assert.equal(JSON.parse(templates[0]).verify.ok, true);
        assert.equal(JSON.parse(templates[1]).verify.ok, false);
        const log = tmp.file('large.jsonl');
        writeLargeLog(log, templates);
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

    test('the list shows "10000 deliveries" and its first rows soon after navigation', { timeout: testTimeout }, async () => {
        const started = Date.now();
        await page.goto(inspect.ui.url, { waitUntil: 'commit' });
        // Polled at each animation frame in the page; performance.now() counts from navigation.
        const handle = await page.waitForFunction((n) => {
            const count = document.querySelector('[data-testid="count"]')?.textContent ?? '';
            const number = /(\d[\d,.\u00a0\u202f ]*)\s*deliver/i.exec(count)?.[1]?.replace(/[^\d]/g, '');
            const rows = [...document.querySelectorAll('[data-testid="row"]')]
                .filter((row) => row.getBoundingClientRect().height > 0);
            return number === String(n) && rows.length > 0 ? performance.now() : false;
        }, total, { polling: 'raf', timeout: testTimeout - 10000 });
        const inPage = Math.round(await handle.jsonValue());
        const wall = Date.now() - started;
        console.log(`inspector: ${total}-delivery list rendered in ${inPage} ms`);
        console.log(`inspector: (${wall} ms by the test's clock, from page.goto to the check)`);
        // Where the time went, for the note (the page's own marks, when it sets them).
        const parts = await page.evaluate(() => {
            const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
            const list = performance.getEntriesByType('resource').find((e) => /\/api\/deliveries(\?|$)/.test(e.name));
            const round = (ms) => (ms === undefined ? '?' : Math.round(ms));
            const nav = performance.getEntriesByType('navigation')[0];
            return `page loaded ${round(nav?.domContentLoadedEventEnd)} ms, /api/deliveries requested ${round(list?.startTime)} ms, ` +
                `first byte ${round(list?.responseStart)} ms, last byte ${round(list?.responseEnd)} ms ` +
                `(${Math.round((list?.encodedBodySize ?? 0) / 1024)} KiB), parsed ${round(at('hooks-list-received'))} ms, ` +
                `list ready mark ${round(at('hooks-list-ready'))} ms`;
        });
        console.log(`inspector: ${parts}`);
        console.log('marks: ' + await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name.replace(/\?.*/, '')}=${Math.round(m.startTime)}`).join(' ')));
        assert.ok(inPage < bound, `the list took ${inPage} ms (bound ${bound} ms)`);
        const rows = await visibleRows(page);
        assert.ok(rows.length >= 5, `only ${rows.length} rows visible at 720 px high`);
        assert.ok([1, total].includes(rows[0].seq), `the first row is seq ${rows[0].seq}`);
        assertNoProblems(page);
    });

    test('the list is virtualised: far fewer rows in the DOM than deliveries', { timeout: testTimeout }, async () => {
        const inDom = await page.locator(tid('row')).count();
        assert.ok(inDom < 1000, `${inDom} rows in the DOM`);
    });

    test('scrolled to its end, the list shows the last delivery', { timeout: testTimeout }, async () => {
        const first = (await visibleRows(page))[0].seq;
        const last = first === 1 ? total : 1;
        const list = page.locator(tid('list'));
        const deadline = Date.now() + 30000;
        for (;;) {
            await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
            await page.waitForTimeout(100);
            const rows = await visibleRows(page);
            if (rows.some((row) => row.seq === last)) {
                break;
            }
            assert.ok(Date.now() < deadline, `row ${last} never appeared; last rows: ${rows.slice(-3).map((r) => r.seq)}`);
        }
        const row = page.locator(`${tid('row')}[data-seq="${last}"]`);
        assert.ok(await row.isVisible());
        const box = await row.boundingBox();
        const listBox = await list.boundingBox();
        assert.ok(box.y + box.height <= listBox.y + listBox.height + 1 && box.y >= listBox.y - 1, 'the last row lies inside the list');
        assert.ok(await page.locator(tid('row')).count() < 1000, 'scrolling filled the DOM');
        await openDetail(page, last);
        assertNoProblems(page);
    });

    test('filters run over the whole log', { timeout: testTimeout }, async () => {
        const started = Date.now();
        await page.locator(tid('filter-verdict')).selectOption('invalid');
        await waitForCount(page, total / 10, 30000);
        console.log(`inspector: verdict filter over ${total} deliveries in ${Date.now() - started} ms`);
        await page.locator(tid('filter-text')).fill('/github/9990');
        await waitForCount(page, 1, 30000);
        const rows = await visibleRows(page);
        assert.deepEqual(rows.map((row) => [row.seq, row.verdict]), [[9990, 'invalid']]);
        await page.locator(tid('filter-text')).fill('');
        await page.locator(tid('filter-verdict')).selectOption('all');
        await waitForCount(page, total, 30000);
        assertNoProblems(page);
    });
});
