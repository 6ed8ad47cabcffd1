// app.js — the inspector's entry point: loads /api/info and the deliveries, follows the stream,
// wires filters, keyboard (j/k/Enter, /, c, Esc), the detail pane, actions and compare.

import * as api from './api.js';
import { DeliveryList, make_filter } from './list.js';
import { render_detail, flash } from './detail.js';
import { render_compare } from './diff.js';
import { open_edit } from './edit.js';

const $ = (id) => document.getElementById(id);
const list_element = $('list');
const detail_pane = $('detail');
const banner = $('banner');
const count = document.querySelector('[data-testid="count"]');
const inputs = {
    text: $('filter-text'), provider: $('filter-provider'), event: $('filter-event'),
    verdict: $('filter-verdict'), status: $('filter-status'),
};

const state = {
    info: null,
    last_seq: 0,
    providers: new Set(),
    details: new Map(),          // seq → fetched detail (bounded, oldest dropped)
    detail_text: new Map(),      // seq → headers + body text, for the text filter
    shown_seq: null,
    compare_a: null,
    unseen: 0,
};
const DETAIL_CACHE = 300;

function show_banner(message) {
    banner.textContent = message;
    banner.hidden = !message;
}

const list = new DeliveryList(list_element, {
    on_select: () => {},
    on_open: (seq) => open_detail(seq),
});

function update_count() {
    count.textContent = `${list.shown.length} deliveries`;
    $('total').textContent = list.shown.length !== list.all.length ? `of ${list.all.length}` : '';
    const empty = $('empty');
    empty.hidden = list.shown.length > 0;
    empty.textContent = list.all.length ? 'No delivery matches the filters.' :
        (state.info && state.info.mode === 'listen' ?
            `Waiting for deliveries on ${state.info.source}…` : 'The log holds no deliveries.');
}

function update_new_pill() {
    const pill = $('new-pill');
    if (!list.has_more_below()) state.unseen = 0;
    pill.hidden = state.unseen === 0;
    pill.textContent = `${state.unseen} new ↓`;
}

function note_providers(summaries) {
    for (const { provider } of summaries) {
        const value = provider || '-';
        if (state.providers.has(value)) continue;
        state.providers.add(value);
        const option = document.createElement('option');
        option.value = value;
        option.textContent = provider || '(none)';
        inputs.provider.append(option);
    }
}

function add_deliveries(summaries) {
    const fresh = summaries.filter((summary) => summary.seq > state.last_seq);
    if (!fresh.length) return;
    state.last_seq = fresh[fresh.length - 1].seq;
    note_providers(fresh);
    const before = list.shown.length;
    list.append(fresh);
    state.unseen += list.shown.length - before;
    update_count();
    requestAnimationFrame(update_new_pill);
}

function apply_filters() {
    const values = Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, input.value]));
    const filter = make_filter(values, (seq) => state.detail_text.get(seq));
    inputs.status.setAttribute('aria-invalid', filter.status_ok ? 'false' : 'true');
    list.set_filter(filter);
    update_count();
}

for (const input of Object.values(inputs)) {
    input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', apply_filters);
}

/// The server has no search: for a text filter, the headers and bodies of the newest
/// deliveries not fetched yet are fetched in the background (a few at a time) and searched.
const SEARCH_FETCH_LIMIT = 2000;
let search_run = 0;
let search_timer = 0;
async function search_bodies() {
    const run = ++search_run;
    const status = $('searching');
    const pending = [];
    if (inputs.text.value.trim().length >= 2) {
        for (let i = list.all.length - 1; i >= 0 && pending.length < SEARCH_FETCH_LIMIT; i--) {
            if (!state.detail_text.has(list.all[i].seq)) pending.push(list.all[i].seq);
        }
    }
    status.hidden = pending.length === 0;
    if (!pending.length) return;
    const total = pending.length;
    let done = 0;
    let last_apply = performance.now();
    const worker = async () => {
        while (pending.length && run === search_run) {
            const seq = pending.shift();
            try {
                remember_text(await api.get_delivery(seq));
            } catch (error) { /* searched on its summary only */ }
            done++;
            status.textContent = `searching headers and bodies ${done}/${total}`;
            if (performance.now() - last_apply > 400) {
                last_apply = performance.now();
                apply_filters();
            }
        }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (run === search_run) {
        status.hidden = true;
        apply_filters();
    }
}
inputs.text.addEventListener('input', () => {
    clearTimeout(search_timer);
    search_timer = setTimeout(search_bodies, 300);
});

function remember_text(detail) {
    const body = (detail.body_text || '').slice(0, 256 * 1024);
    state.detail_text.set(detail.seq,
        `${(detail.headers || []).map(([n, v]) => `${n}: ${v}`).join('\n')}\n${body}`);
}

function remember(detail) {
    state.details.delete(detail.seq);
    state.details.set(detail.seq, detail);
    remember_text(detail);
    while (state.details.size > DETAIL_CACHE) {
        const oldest = state.details.keys().next().value;
        state.details.delete(oldest);
    }
}

async function fetch_detail(seq) {
    if (state.details.has(seq)) return state.details.get(seq);
    const detail = await api.get_delivery(seq);
    remember(detail);
    return detail;
}

let detail_request = 0;
async function open_detail(seq) {
    const request = ++detail_request;
    detail_pane.setAttribute('aria-busy', 'true');
    try {
        const detail = await fetch_detail(seq);
        if (request !== detail_request) return;
        state.shown_seq = seq;
        draw_detail(detail);
        if (window.matchMedia('(max-width: 800px)').matches) detail_pane.scrollIntoView({ block: 'start' });
    } catch (error) {
        if (request === detail_request) {
            detail_pane.replaceChildren();
            const message = document.createElement('p');
            message.className = 'bad';
            message.textContent = `Delivery #${seq}: ${error.message}`;
            detail_pane.append(message);
        }
    } finally {
        if (request === detail_request) detail_pane.removeAttribute('aria-busy');
    }
}

function draw_detail(detail) {
    const scroll = detail_pane.scrollTop;
    const same = detail_pane.dataset.seq === String(detail.seq);
    render_detail(detail_pane, detail, {
        replay_to: state.info.replay_to, replay_hint: state.info.replay_hint, compare_a: state.compare_a,
    }, actions);
    detail_pane.dataset.seq = String(detail.seq);
    detail_pane.scrollTop = same ? scroll : 0;
}

async function copy_text(text) {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
}

const actions = {
    'copy-curl': async (detail, button) => {
        try {
            await copy_text(detail.curl);
            const label = button.textContent;
            button.textContent = 'Copied ✓';
            button.classList.add('done');
            flash(detail_pane, 'Copied the curl command to the clipboard');
            setTimeout(() => { button.textContent = label; button.classList.remove('done'); }, 1500);
        } catch (error) {
            const dialog = $('curl-dialog');
            const text = $('curl-text');
            text.value = detail.curl;
            dialog.showModal();
            text.focus();
            text.select();
        }
    },
    'download-har': (detail) => download(detail, 'har'),
    'download-jsonl': (detail) => download(detail, 'jsonl'),
    replay: async (detail, button) => {
        button.disabled = true;
        flash(detail_pane, `Replaying to ${state.info.replay_to}…`);
        try {
            const answer = await api.replay(detail.seq);
            if (answer.error) flash(detail_pane, `Replay to ${answer.url}: ${answer.error}`, true);
            else flash(detail_pane, `Replayed to ${answer.url}: ${answer.status} in ${answer.latency_ms} ms`,
                answer.status === null || answer.status >= 400);
        } catch (error) {
            flash(detail_pane, `Replay failed: ${error.message}`, true);
        } finally {
            button.disabled = false;
        }
    },
    edit: (detail) => open_edit(detail, state.info),
    compare: (detail) => compare(detail.seq),
    pick: (seq) => {
        list.select(seq);
        open_detail(seq);
    },
};

async function download(detail, kind) {
    try {
        await api.download(detail.seq, kind);
        flash(detail_pane, `Saved delivery-${detail.seq}.${kind}`);
    } catch (error) {
        flash(detail_pane, `Download failed: ${error.message}`, true);
    }
}

function update_compare_bar() {
    const bar = $('compare-bar');
    bar.hidden = state.compare_a === null;
    bar.replaceChildren();
    if (state.compare_a === null) return;
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'link';
    cancel.textContent = 'cancel';
    cancel.addEventListener('click', () => {
        state.compare_a = null;
        update_compare_bar();
        redraw_current();
    });
    bar.append(`A = #${state.compare_a} marked for compare: select another delivery and press c or Compare · `, cancel);
}

function redraw_current() {
    if (state.shown_seq !== null && state.details.has(state.shown_seq)) draw_detail(state.details.get(state.shown_seq));
}

/// First call marks A; a call on another delivery opens the comparison.
async function compare(seq) {
    if (seq === null || seq === undefined) return;
    if (state.compare_a === null || state.compare_a === seq) {
        state.compare_a = seq;
        update_compare_bar();
        redraw_current();
        return;
    }
    try {
        const [a, b] = await Promise.all([fetch_detail(state.compare_a), fetch_detail(seq)]);
        compare_pair = [a, b];
        draw_compare();
        $('compare-title').textContent = `Compare #${a.seq} and #${b.seq}`;
        document.querySelector('[data-testid="compare-view"]').showModal();
        state.compare_a = null;
        update_compare_bar();
        redraw_current();
    } catch (error) {
        show_banner(`Compare: ${error.message}`);
    }
}

let compare_pair = null;
function draw_compare() {
    if (!compare_pair) return;
    render_compare($('compare-body'), compare_pair[0], compare_pair[1], {
        ignore_volatile: $('compare-ignore').checked, only_changes: $('compare-only').checked,
    });
}
$('compare-ignore').addEventListener('change', draw_compare);
$('compare-only').addEventListener('change', draw_compare);

for (const button of document.querySelectorAll('dialog .dialog-close')) {
    button.addEventListener('click', () => button.closest('dialog').close());
}

$('new-pill').addEventListener('click', () => {
    list.scroll_to_end();
    state.unseen = 0;
    update_new_pill();
});
list_element.addEventListener('scroll', () => {
    if (state.unseen) update_new_pill();
});

function is_typing(target) {
    return target instanceof HTMLElement &&
        (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector('dialog[open]')) return; // dialogs close themselves on Escape
    // Enter and Space belong to the focused button or tree node, not to the list.
    if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLElement &&
        ['BUTTON', 'SUMMARY', 'A'].includes(event.target.tagName)) return;
    if (is_typing(event.target)) {
        if (event.key === 'Escape') {
            event.preventDefault(); // a search field would clear itself: leave it, keep the text
            event.target.blur();
            list_element.focus({ preventScroll: true });
        }
        return;
    }
    const selected = list.selected_seq;
    switch (event.key) {
    case 'j': case 'ArrowDown': list.move(1); break;
    case 'k': case 'ArrowUp': list.move(-1); break;
    case 'Home': if (list.shown.length) list.select(list.shown[0].seq); break;
    case 'End': if (list.shown.length) list.select(list.shown[list.shown.length - 1].seq); break;
    case 'Enter': if (selected !== null) open_detail(selected); break;
    case '/': inputs.text.focus(); inputs.text.select(); break;
    case 'c': compare(selected !== null ? selected : state.shown_seq); break;
    default: return;
    }
    event.preventDefault();
});

const THEMES = ['auto', 'light', 'dark'];
function set_theme(theme) {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    $('theme').title = `Theme: ${theme === 'auto' ? 'follows the system' : theme} (click to change)`;
    try { localStorage.setItem('hooks-theme', theme); } catch (error) { /* private mode */ }
}
$('theme').addEventListener('click', () => {
    const now = document.documentElement.dataset.theme || 'auto';
    set_theme(THEMES[(THEMES.indexOf(now) + 1) % THEMES.length]);
});
try { set_theme(localStorage.getItem('hooks-theme') || 'auto'); } catch (error) { set_theme('auto'); }

/// Stream batches are applied once per frame: a burst of deliveries costs one list update.
let queued = [];
function queue_deliveries(summaries) {
    if (!summaries.length) return;
    if (!queued.length) {
        requestAnimationFrame(() => {
            const batch = queued;
            queued = [];
            add_deliveries(batch);
        });
    }
    for (const summary of summaries) queued.push(summary);
}

/// EventSource reconnects by itself after each batch; only when the browser gives up (the
/// server refused or went away) is a new one opened, a little later, from the last seq seen.
function follow_stream() {
    const live = $('live');
    live.hidden = false;
    live.textContent = 'live';
    live.classList.remove('off');
    const source = api.open_stream(state.last_seq, queue_deliveries);
    source.addEventListener('error', () => {
        if (source.readyState !== EventSource.CLOSED) return;
        live.textContent = 'disconnected, retrying';
        live.classList.add('off');
        setTimeout(follow_stream, 3000);
    });
}

async function start() {
    if (!api.has_token()) {
        show_banner('No token in this address. Open the exact URL that hooks printed ' +
            '("Inspector on http://127.0.0.1:PORT/#token=…").');
        update_count();
        return;
    }
    // The list is requested together with /api/info, not after its round trip. A failed list is
    // reported only once the info has arrived, so a wrong token still shows the token banner.
    performance.mark('hooks-list-requested');
    const listing = api.get_deliveries(0).then((first) => {
        performance.mark('hooks-list-received');
        return first;
    });
    listing.catch(() => {});
    try {
        state.info = await api.get_info();
    } catch (error) {
        show_banner(error.status === 403 ? 'The token in this address is not this run\'s: open the URL hooks printed last.' :
            `Cannot reach the inspector: ${error.message}`);
        return;
    }
    const info = state.info;
    info.replay_hint = info.mode === 'listen' ? 'No destination: start listen with --forward-to URL' :
        'No destination: start inspect with --to URL';
    $('source').textContent = info.mode === 'listen' ? `listening on ${info.source}` : info.source;
    $('source').title = `hooks ${info.version} · ${info.mode}${info.replay_to ? ` · replays go to ${info.replay_to}` : ''}` +
        `${info.provider ? ` · provider ${info.provider}` : ''}`;
    document.title = `hooks · ${info.mode === 'listen' ? info.source : info.source}`;
    update_count();
    try {
        const first = await listing;
        add_deliveries(first.deliveries);
        state.last_seq = Math.max(state.last_seq, first.last_seq || 0);
        state.unseen = 0;
        update_new_pill();
        // For the browser test's "10,000 deliveries listed in under 1 s" measure.
        requestAnimationFrame(() => performance.mark('hooks-list-ready'));
    } catch (error) {
        show_banner(`Cannot load deliveries: ${error.message}`);
        return;
    }
    if (info.mode === 'listen') {
        follow_stream();
    }
}

start();
