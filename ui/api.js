// api.js — talks to the inspector's server: the per-run token from location.hash, JSON fetches
// with the X-Hooks-Token header, downloads through a Blob URL, and the Server-Sent Events stream.

const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') || '';

export function has_token() {
    return /^[0-9a-f]{32}$/.test(token);
}

export class ApiError extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}

async function request(method, path, body) {
    const options = { method, headers: { 'X-Hooks-Token': token } };
    if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    }
    let response;
    try {
        response = await fetch(path, options);
    } catch (error) {
        throw new ApiError(0, 'the inspector server does not answer (is hooks still running?)');
    }
    const text = await response.text();
    let data = null;
    try {
        data = text ? JSON.parse(text) : null;
    } catch (error) {
        throw new ApiError(response.status, `${response.status}: not JSON`);
    }
    if (!response.ok) {
        const message = data && data.error ? data.error : `HTTP ${response.status}`;
        throw new ApiError(response.status, message);
    }
    return data;
}

/// The field order of the list's rows, from the first list answer; the stream's rows use it too.
let row_fields = null;

/// Turns compact rows (arrays of values in the order of `fields`) into summary objects.
export function summaries_from(fields, rows) {
    const count = fields.length;
    const summaries = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const summary = {};
        for (let j = 0; j < count; j++) {
            summary[fields[j]] = row[j];
        }
        summaries[i] = summary;
    }
    return summaries;
}

export const get_info = () => request('GET', '/api/info');

/// The list after seq `after`: {deliveries: [summary…], last_seq}, built from the server's rows.
export async function get_deliveries(after) {
    const data = await request('GET', `/api/deliveries?after=${after}`);
    row_fields = data.fields;
    return { deliveries: summaries_from(data.fields, data.rows), last_seq: data.last_seq };
}

export const get_delivery = (seq) => request('GET', `/api/deliveries/${seq}`);
export const check_edit = (seq, edit) => request('POST', `/api/deliveries/${seq}/check`, edit);
export const replay = (seq, edit) => request('POST', `/api/deliveries/${seq}/replay`, edit || {});

/// Downloads cannot carry a header: fetch with it, then save the bytes through a Blob URL.
export async function download(seq, kind) {
    const response = await fetch(`/api/deliveries/${seq}/${kind}`, {
        headers: { 'X-Hooks-Token': token },
    });
    if (!response.ok) {
        let message = `HTTP ${response.status}`;
        try {
            message = (await response.json()).error || message;
        } catch (error) { /* keep the status line */ }
        throw new ApiError(response.status, message);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `delivery-${seq}.${kind}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/// The server ends the stream after each batch (one `deliveries` event whose data is an array
/// of rows in the list's field order); EventSource reconnects by itself with Last-Event-ID, so
/// errors are expected and ignored. Call get_deliveries first: it learns the field order.
export function open_stream(after, on_deliveries) {
    const source = new EventSource(
        `/api/stream?token=${encodeURIComponent(token)}&after=${after}`);
    source.addEventListener('deliveries', (event) => {
        try {
            on_deliveries(summaries_from(row_fields, JSON.parse(event.data)));
        } catch (error) {
            console.warn('bad stream event', error);
        }
    });
    return source;
}
