// edit.js — the "edit & re-sign" dialog: change headers (one `Name: value` a line) or the body,
// ask the server to check (and re-sign) the edited copy, then replay it to the configured
// destination. Secrets stay on the server: the page only sees verdicts and reasons.

import * as api from './api.js';
import { element } from './detail.js';

const dialog = document.querySelector('[data-testid="edit-dialog"]');
const field = (testid) => dialog.querySelector(`[data-testid="${testid}"]`);
const headers_input = field('edit-headers');
const body_input = field('edit-body');
const resign_input = field('edit-resign');
const check_button = field('edit-check');
const send_button = field('edit-send');
const before_box = field('verdict-before');
const after_box = field('verdict-after');
const result_box = field('replay-result');
const problem_box = dialog.querySelector('.edit-problem');
const sent_headers_box = dialog.querySelector('.edit-sent-headers');
const title = dialog.querySelector('.edit-title');

let current = null;

function parse_headers(text) {
    const headers = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i].replace(/\r$/, '');
        if (!line.trim()) continue;
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`line ${i + 1}: expected "Name: value"`);
        headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).replace(/^ /, '')]);
    }
    return headers;
}

function show_verdict(box, label, verdict) {
    box.replaceChildren();
    box.className = 'verdict-box';
    box.append(element('span', { class: 'label', text: label }));
    if (!verdict) {
        box.append(element('span', { class: 'muted', text: label === 'After re-signing' ? 'not re-signed' : '—' }));
        return;
    }
    const kind = verdict.ok ? 'valid' : 'invalid';
    box.classList.add(kind);
    box.append(element('span', { class: `badge ${kind}`, text: verdict.ok ? '✓ valid' : '✗ invalid' }),
        element('span', { class: 'reason', text: ` ${verdict.reason || ''}${verdict.provider ? ` (${verdict.provider})` : ''}` }));
}

function edited_message() {
    const message = { headers: parse_headers(headers_input.value), resign: resign_input.checked };
    if (!body_input.disabled) message.body_text = body_input.value;
    return message;
}

/// The edited message, or null with the problem shown (a header line that does not parse).
function read_edit() {
    problem('');
    try {
        return edited_message();
    } catch (error) {
        problem(error.message);
        return null;
    }
}

function problem(text) {
    problem_box.textContent = text || '';
    problem_box.hidden = !text;
}

function busy(is_busy) {
    check_button.disabled = is_busy;
    send_button.disabled = is_busy || !current.info.replay_to;
}

check_button.addEventListener('click', async () => {
    const message = read_edit();
    if (!message) return;
    busy(true);
    try {
        const answer = await api.check_edit(current.delivery.seq, message);
        show_verdict(before_box, 'As edited', answer.before);
        show_verdict(after_box, 'After re-signing', answer.after);
        sent_headers_box.textContent = (answer.headers || []).map(([n, v]) => `${n}: ${v}`).join('\n');
        sent_headers_box.parentElement.hidden = !answer.headers;
    } catch (error) {
        problem(error.message);
    } finally {
        busy(false);
    }
});

send_button.addEventListener('click', async () => {
    const message = read_edit();
    if (!message) return;
    busy(true);
    result_box.textContent = 'Sending…';
    result_box.className = 'replay-result';
    try {
        const answer = await api.replay(current.delivery.seq, message);
        if (answer.before !== undefined) show_verdict(before_box, 'As edited', answer.before);
        if (answer.after !== undefined) show_verdict(after_box, 'After re-signing', answer.after);
        const ok = !answer.error && answer.status !== null && answer.status < 400;
        result_box.classList.add(ok ? 'good' : 'bad');
        result_box.textContent = answer.error ? `${answer.url}: ${answer.error}` :
            `${answer.url} answered ${answer.status} in ${answer.latency_ms} ms`;
    } catch (error) {
        result_box.classList.add('bad');
        result_box.textContent = `Not sent: ${error.message}`;
    } finally {
        busy(false);
    }
});

dialog.querySelector('.dialog-close').addEventListener('click', () => dialog.close());

/// Opens the dialog on a fetched delivery; `info` is /api/info's answer.
export function open_edit(delivery, info) {
    current = { delivery, info };
    title.textContent = `Edit #${delivery.seq} (${delivery.method} ${delivery.target})`;
    headers_input.value = (delivery.headers || []).map(([n, v]) => `${n}: ${v}`).join('\n');
    const is_binary = typeof delivery.body_b64 === 'string';
    body_input.value = is_binary ? '' : (delivery.body_text || '');
    body_input.disabled = is_binary;
    body_input.placeholder = is_binary ? 'The body is not UTF-8 text: it is sent as recorded.' : '';
    resign_input.checked = Boolean(info.can_resign);
    resign_input.disabled = !info.can_resign;
    resign_input.parentElement.title = info.can_resign ? 'The server signs with the secret it was started with' :
        'No secret to sign with: start hooks with --secret';
    send_button.title = info.replay_to ? `Send the edited copy to ${info.replay_to}` : info.replay_hint;
    show_verdict(before_box, 'As edited', null);
    show_verdict(after_box, 'After re-signing', null);
    result_box.textContent = '';
    result_box.className = 'replay-result';
    sent_headers_box.textContent = '';
    sent_headers_box.parentElement.hidden = true;
    problem('');
    busy(false);
    dialog.showModal();
    body_input.disabled ? headers_input.focus() : body_input.focus();
}
