// diff.js — two deliveries side by side: summary fields, headers (by name, case-insensitive)
// and JSON bodies (by JSON pointer), each difference marked; ids and timestamps can be ignored.

import { parse_json, flatten } from './json_tree.js';
import { element, body_bytes } from './detail.js';

const VOLATILE_KEY = /^(id|.*_id|created|created_at|timestamp|.*_at)$/i;
const VOLATILE_HEADER = /signature|timestamp|delivery|nonce|uuid|idempotency|(^|-)(id|date|time|trace|traceparent)$|-id-/i;

function is_volatile_pointer(pointer) {
    const last = pointer.split('/').pop().replace(/~1/g, '/').replace(/~0/g, '~');
    return VOLATILE_KEY.test(last);
}

function body_text(delivery) {
    return typeof delivery.body_b64 === 'string' ?
        new TextDecoder('utf-8').decode(body_bytes(delivery)) : (delivery.body_text || '');
}

function flat_body(delivery) {
    if (!delivery.body_is_json || typeof delivery.body_b64 === 'string') return null;
    try {
        return flatten(parse_json(delivery.body_text || ''));
    } catch (error) {
        return null;
    }
}

/// Union of keys in first-seen order (A's order, then B's extras), values joined per key.
function merge(pairs_a, pairs_b, key_of) {
    const order = [];
    const a = new Map();
    const b = new Map();
    const add = (map, key, value) => {
        if (!a.has(key) && !b.has(key)) order.push(key);
        map.set(key, map.has(key) ? `${map.get(key)}\n${value}` : value);
    };
    for (const [key, value] of pairs_a) add(a, key_of(key), value);
    for (const [key, value] of pairs_b) add(b, key_of(key), value);
    return order.map((key) => [key, a.has(key) ? a.get(key) : null, b.has(key) ? b.get(key) : null]);
}

function diff_table(title, rows, attribute, is_volatile, options) {
    const table = element('table', { class: 'diff' });
    table.append(element('thead', {}, element('tr', {},
        element('th', { text: title }), element('th', { text: 'A' }), element('th', { text: 'B' }))));
    const body = element('tbody');
    let changed_count = 0;
    for (const [key, value_a, value_b] of rows) {
        const differs = value_a !== value_b;
        const ignored = differs && options.ignore_volatile && is_volatile(key);
        if (options.only_changes && (!differs || ignored)) continue;
        const row = element('tr', { class: differs ? (ignored ? 'diff-ignored' : 'diff-changed') : '' },
            element('th', { scope: 'row', class: 'mono', text: key === '' ? '(whole body)' : key }),
            element('td', { class: `mono${value_a === null ? ' absent' : ''}`, text: value_a === null ? '(absent)' : value_a }),
            element('td', { class: `mono${value_b === null ? ' absent' : ''}`, text: value_b === null ? '(absent)' : value_b }));
        if (differs && !ignored) {
            row.dataset.testid = 'diff-changed';
            row.setAttribute(attribute, key);
            changed_count++;
        }
        body.append(row);
    }
    if (!body.children.length) {
        body.append(element('tr', {}, element('td', { colspan: '3', class: 'muted', text: 'no differences' })));
    }
    table.append(body);
    return [table, changed_count];
}

/// Fills `box` with the comparison of deliveries a and b.
export function render_compare(box, a, b, options) {
    box.replaceChildren();
    const summary_rows = ['method', 'target', 'provider', 'event_type', 'verdict', 'reason', 'status', 'size', 'id', 'received_at']
        .map((field) => [field, a[field] === null || a[field] === undefined ? '' : String(a[field]),
            b[field] === null || b[field] === undefined ? '' : String(b[field])]);
    const [summary_table, summary_changes] = diff_table('Field', summary_rows, 'data-field',
        (field) => field === 'id' || field === 'received_at', options);

    const header_rows = merge(a.headers || [], b.headers || [], (name) => name.toLowerCase());
    const [header_table, header_changes] = diff_table('Header', header_rows, 'data-header',
        (name) => VOLATILE_HEADER.test(name), options);

    const flat_a = flat_body(a);
    const flat_b = flat_body(b);
    let body_rows;
    let body_title;
    if (flat_a && flat_b) {
        body_rows = merge(flat_a, flat_b, (pointer) => pointer);
        body_title = 'JSON pointer';
    } else {
        const lines_a = body_text(a).split('\n');
        const lines_b = body_text(b).split('\n');
        body_rows = [];
        for (let i = 0; i < Math.max(lines_a.length, lines_b.length); i++) {
            body_rows.push([`line ${i + 1}`, i < lines_a.length ? lines_a[i] : null, i < lines_b.length ? lines_b[i] : null]);
        }
        body_title = 'Body line';
    }
    const [body_table, body_changes] = diff_table(body_title, body_rows, 'data-path',
        (pointer) => flat_a && flat_b && is_volatile_pointer(pointer), options);

    const total = summary_changes + header_changes + body_changes;
    box.append(
        element('p', { class: 'diff-summary' },
            element('strong', { text: `A = #${a.seq}` }), ` ${a.method} ${a.target} · `,
            element('strong', { text: `B = #${b.seq}` }), ` ${b.method} ${b.target} · `,
            element('span', { class: total ? 'bad' : 'good', text: total ? `${total} difference${total === 1 ? '' : 's'}` : 'no differences' })),
        element('h3', { text: `Summary (${summary_changes} changed)` }), summary_table,
        element('h3', { text: `Headers (${header_changes} changed)` }), header_table,
        element('h3', { text: `Body (${body_changes} changed)` }), body_table);
}
