// detail.js — one delivery's detail pane: verdict and its explanation, attempts of the same id,
// headers in wire order, the body as a JSON tree / raw text / safe (escaped or hex) view, and
// the action buttons. Everything from the delivery goes in as text nodes.

import { parse_json, render_tree } from './json_tree.js';
import { format_size, format_time, VERDICT_LABEL } from './list.js';

export function element(tag, options = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(options)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'testid') node.dataset.testid = value;
        else if (key === 'text') node.textContent = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
}

/// The body's bytes: from body_b64, or body_text encoded as UTF-8.
export function body_bytes(delivery) {
    if (typeof delivery.body_b64 === 'string') {
        const binary = atob(delivery.body_b64);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        return bytes;
    }
    return new TextEncoder().encode(delivery.body_text || '');
}

const SAFE_LIMIT = 256 * 1024;

function hex_dump(bytes) {
    const lines = [];
    const end = Math.min(bytes.length, SAFE_LIMIT);
    for (let offset = 0; offset < end; offset += 16) {
        const slice = bytes.subarray(offset, Math.min(offset + 16, end));
        let hex = '';
        let ascii = '';
        for (let i = 0; i < 16; i++) {
            hex += i < slice.length ? slice[i].toString(16).padStart(2, '0') + ' ' : '   ';
            if (i === 7) hex += ' ';
            if (i < slice.length) ascii += slice[i] >= 0x20 && slice[i] < 0x7f ? String.fromCharCode(slice[i]) : '.';
        }
        lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
    }
    if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
    return lines.join('\n');
}

/// Text with control, invisible and non-ASCII-space characters spelled as escapes; line
/// breaks kept (after a visible \n) so the shape stays readable.
function escape_text(text) {
    const limited = text.length > SAFE_LIMIT ? text.slice(0, SAFE_LIMIT) : text;
    let out = '';
    for (const ch of limited) {
        const code = ch.codePointAt(0);
        if (ch === '\n') out += '\\n\n';
        else if (ch === '\r') out += '\\r';
        else if (ch === '\t') out += '\\t';
        else if (ch === '\\') out += '\\\\';
        else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
        else if ((code >= 0x80 && code < 0xa0) || code === 0xa0 || code === 0xad || code === 0xfeff ||
                 (code >= 0x2000 && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e) ||
                 (code >= 0x2060 && code <= 0x206f) || code === 0xfffd) {
            out += `\\u{${code.toString(16)}}`;
        } else out += ch;
    }
    if (text.length > limited.length) out += `\n… ${text.length - limited.length} more characters`;
    return out;
}

function format_delay(ms) {
    if (ms === null || ms === undefined) return 'first';
    if (ms < 1000) return `+${ms} ms`;
    if (ms < 120000) return `+${(ms / 1000).toFixed(1)} s`;
    return `+${(ms / 60000).toFixed(1)} min`;
}

function explain_rows(verify) {
    const rows = [];
    const add = (label, value, class_name) => rows.push([label, value, class_name]);
    add('Provider', `${verify.provider || '—'}${verify.check ? ` (${verify.check})` : ''}`);
    if (verify.recorded) {
        // No secret was given to inspect: only the verdict the log recorded is known.
        add('Secret', 'not given to inspect: this is the verdict recorded in the log');
        if (verify.header) add('Header', verify.header);
        if (verify.body_shape) add('Body shape', verify.body_shape);
        return rows;
    }
    add('Header', verify.header || 'none');
    add('Secret', verify.matched_secret ? `matched ${verify.matched_secret}` :
        'none matched', verify.matched_secret ? 'good' : (verify.ok ? null : 'bad'));
    if (verify.skew_seconds !== null && verify.skew_seconds !== undefined) {
        const tolerance = verify.tolerance_seconds;
        const outside = tolerance !== null && tolerance !== undefined && Math.abs(verify.skew_seconds) > tolerance;
        add('Timestamp skew', `${verify.skew_seconds} s against a tolerance of ` +
            `${tolerance === null || tolerance === undefined ? 'none' : `±${tolerance} s`}` +
            (outside ? ' — outside' : ' — within'), outside ? 'bad' : 'good');
    } else {
        add('Timestamp skew', verify.tolerance_seconds ? `not measured (tolerance ±${verify.tolerance_seconds} s)`
            : 'this scheme signs no timestamp');
    }
    add('Replay protection', verify.replay_protection ? 'yes (timestamp is signed)' : 'no');
    if (verify.body_shape) add('Body shape', verify.body_shape);
    return rows;
}

function render_explain(delivery) {
    const box = element('div', { class: 'explain', testid: 'detail-explain' });
    const verify = delivery.verify;
    if (!verify) {
        box.append(element('p', { class: 'muted', text: delivery.reason ||
            'Not verified: start hooks with --provider and --secret to check signatures.' }));
        return box;
    }
    const list = element('dl', { class: 'kv' });
    for (const [label, value, class_name] of explain_rows(verify)) {
        list.append(element('dt', { text: label }), element('dd', { class: class_name, text: value }));
    }
    if (verify.signed_content) {
        const limit = 4000;
        const text = verify.signed_content.length > limit ?
            `${verify.signed_content.slice(0, limit)}… (${verify.signed_content.length - limit} more characters)` :
            verify.signed_content;
        list.append(element('dt', { text: 'Signed content' }),
            element('dd', {}, element('pre', { class: 'wire small', text: escape_text(text) })));
    }
    box.append(list);
    if (verify.findings && verify.findings.length) {
        box.append(element('h4', { text: verify.ok ? 'Findings' : 'Likely cause' }),
            element('ul', { class: 'findings' },
                ...verify.findings.map((finding) => element('li', { text: finding }))));
    }
    return box;
}

function render_attempts(delivery, on_pick) {
    const attempts = delivery.attempts || [];
    const list = element('ol', { class: 'attempts', testid: 'attempts' });
    // A long run of retries shows its start, the attempts around this one and its end.
    const current_index = attempts.findIndex((attempt) => attempt.seq === delivery.seq);
    const keep = (index) => attempts.length <= 60 || index < 20 || index >= attempts.length - 10 ||
        Math.abs(index - current_index) <= 10;
    let skipped = 0;
    for (const [index, attempt] of attempts.entries()) {
        if (!keep(index)) {
            skipped++;
            continue;
        }
        if (skipped) {
            list.append(element('li', { class: 'gap muted', text: `… ${skipped} more attempts …` }));
            skipped = 0;
        }
        const current = attempt.seq === delivery.seq;
        const status = attempt.status === null ? 'no answer' : String(attempt.status);
        const item = element('li', { class: current ? 'current' : '' },
            element('button', {
                type: 'button', class: 'link', disabled: current,
                title: current ? 'this delivery' : `show #${attempt.seq}`,
                onclick: () => on_pick(attempt.seq),
            }, `#${attempt.seq}`),
            element('span', { class: 'mono', text: format_time(attempt.received_at) }),
            element('span', { class: `mono status s${attempt.status === null ? 'none' : String(attempt.status)[0]}`,
                text: status }),
            element('span', { class: 'mono muted', text: format_delay(attempt.delay_ms) }));
        list.append(item);
    }
    return list;
}

function render_headers(headers) {
    const table = element('table', { class: 'headers', testid: 'headers' });
    const body = element('tbody');
    for (const [name, value] of headers || []) {
        body.append(element('tr', { testid: 'header-row' },
            element('th', { scope: 'row', class: 'mono', text: name }),
            element('td', { class: 'mono', text: value })));
    }
    table.append(body);
    return table;
}

function render_body(delivery) {
    const is_binary = typeof delivery.body_b64 === 'string';
    const bytes = body_bytes(delivery);
    const text = is_binary ? new TextDecoder('utf-8').decode(bytes) : (delivery.body_text || '');
    const panes = {
        tree: element('div', { class: 'pane', testid: 'body-tree', role: 'tabpanel' }),
        raw: element('pre', { class: 'pane wire', testid: 'body-raw', role: 'tabpanel' }),
        safe: element('pre', { class: 'pane wire', testid: 'body-safe', role: 'tabpanel' }),
    };
    const build = {
        tree: () => {
            if (!delivery.body_is_json || is_binary) {
                panes.tree.append(element('p', { class: 'muted', text: bytes.length ?
                    'The body is not JSON: see Raw or Safe.' : '(empty body)' }));
                return;
            }
            try {
                panes.tree.append(render_tree(parse_json(text)));
            } catch (error) {
                panes.tree.append(element('p', { class: 'muted', text: `Not parsed: ${error.message}` }));
            }
        },
        raw: () => {
            if (is_binary) {
                panes.raw.append(element('span', { class: 'muted',
                    text: `Not valid UTF-8 (${bytes.length} bytes; invalid sequences shown as �). See Safe for the bytes.\n\n` }));
            }
            panes.raw.append(document.createTextNode(text || ''));
            if (!bytes.length) panes.raw.textContent = '(empty body)';
        },
        safe: () => {
            panes.safe.textContent = is_binary ? hex_dump(bytes) : (bytes.length ? escape_text(text) : '(empty body)');
        },
    };
    const tabs = element('div', { class: 'tabs', role: 'tablist' });
    const labels = { tree: 'Tree', raw: 'Raw', safe: is_binary ? 'Hex' : 'Escaped' };
    const buttons = {};
    // All three are built now (the tree opens deep levels lazily): hidden panes keep their text.
    for (const key of Object.keys(panes)) build[key]();
    const show = (name) => {
        for (const key of Object.keys(panes)) {
            panes[key].hidden = key !== name;
            buttons[key].setAttribute('aria-selected', key === name ? 'true' : 'false');
        }
    };
    for (const name of Object.keys(panes)) {
        buttons[name] = element('button', { type: 'button', role: 'tab', testid: `tab-${name}`,
            onclick: () => show(name) }, labels[name]);
        tabs.append(buttons[name]);
    }
    const info = element('span', { class: 'muted small', text: `${format_size(bytes.length)}` +
        `${delivery.content_type ? ` · ${delivery.content_type}` : ''}${is_binary ? ' · not UTF-8' : ''}` });
    tabs.append(info);
    show(is_binary ? 'safe' : (delivery.body_is_json ? 'tree' : 'raw'));
    return element('div', { class: 'body-view' }, tabs, panes.tree, panes.raw, panes.safe);
}

/// Fills `pane` with the delivery; `actions` maps an action name to its handler and `state`
/// says which actions are possible ({replay_to, compare_a}).
export function render_detail(pane, delivery, state, actions) {
    pane.replaceChildren();
    const verdict = delivery.verdict;
    const head = element('div', { class: 'detail-head' },
        element('span', { class: 'seq' }, '#', element('span', { testid: 'detail-seq', text: String(delivery.seq) })),
        element('span', { class: 'mono method', text: delivery.method }),
        element('span', { class: 'mono target', title: delivery.target, text: delivery.target }));
    const verdict_line = element('div', { class: `verdict ${verdict}`, testid: 'detail-verdict' },
        element('span', { class: `badge ${verdict}`, text: VERDICT_LABEL[verdict] || verdict }),
        element('span', { class: 'reason', text: ` ${delivery.reason || (delivery.verify && delivery.verify.reason) || ''}` }));

    const button = (name, label, title, disabled) => element('button', {
        type: 'button', testid: name, title, disabled,
        onclick: (event) => actions[name](delivery, event.currentTarget),
    }, label);
    const no_replay = state.replay_to ? null : state.replay_hint;
    const compare_label = state.compare_a !== null && state.compare_a !== delivery.seq ?
        `Compare with #${state.compare_a}` : (state.compare_a === delivery.seq ? 'Compare: pick another' : 'Compare…');
    const toolbar = element('div', { class: 'actions' },
        button('copy-curl', 'Copy as curl', 'Copy a curl command that sends this request again'),
        button('download-har', 'HAR', 'Download this request as a HAR 1.2 file'),
        button('download-jsonl', 'JSONL', 'Download the log record of this delivery'),
        button('replay', 'Replay', no_replay || `Send it again, as recorded, to ${state.replay_to}`, Boolean(no_replay)),
        button('edit', 'Edit & re-sign…', 'Edit the headers or body, check the signature, re-sign and replay'),
        button('compare', compare_label, 'Mark this delivery, then pick another to compare (key c)'),
        element('span', { class: 'action-status', testid: 'action-status', role: 'status', 'aria-live': 'polite' }));

    const meta = element('dl', { class: 'kv meta' });
    const add_meta = (label, value) => {
        if (value !== null && value !== undefined && value !== '') {
            meta.append(element('dt', { text: label }), element('dd', { class: 'mono', text: String(value) }));
        }
    };
    add_meta('Received', delivery.received_at);
    add_meta('From', delivery.remote);
    add_meta('Id', delivery.id);
    add_meta('Provider', delivery.provider);
    add_meta('Event', delivery.event_type);
    add_meta('Answered', delivery.status === null ? 'no answer' : delivery.status);
    add_meta('Size', `${delivery.size} bytes`);

    const section = (title, ...content) =>
        element('section', {}, element('h3', { text: title }), ...content);
    const attempt_count = (delivery.attempts || []).length;
    const attempts = section(attempt_count > 1 ? `Attempts of this id (${attempt_count})` :
        (delivery.id ? 'Attempts of this id (only this one)' : 'Attempts (no delivery id: just this one)'),
        render_attempts(delivery, actions.pick));

    pane.append(head, verdict_line, toolbar,
        section('Verification', render_explain(delivery)),
        attempts,
        section('Delivery', meta),
        section(`Headers (${(delivery.headers || []).length}, in wire order)`, render_headers(delivery.headers)),
        section('Body', render_body(delivery)));
}

/// Shows a short message in the pane's action status line.
export function flash(pane, message, is_error = false) {
    const status = pane.querySelector('.action-status');
    if (!status) return;
    status.textContent = message;
    status.classList.toggle('error', is_error);
    clearTimeout(status.timer);
    if (!is_error) status.timer = setTimeout(() => { status.textContent = ''; }, 4000);
}
