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
    performance.mark('x-headers-' + path);
    const text = await response.text();
    performance.mark('x-text-' + path);
    let data = null;
    try {
        data = text ? JSON.parse(text) : null;
        performance.mark('x-parsed-' + path);
    } catch (error) {
        throw new ApiError(response.status, `${response.status}: not JSON`);
    }
    if (!response.ok) {
        const message = data && data.error ? data.error : `HTTP ${response.status}`;
        throw new ApiError(response.status, message);
    }
    return data;
}

export const get_info = () => request('GET', '/api/info');
export const get_deliveries = (after) => request('GET', `/api/deliveries?after=${after}`);
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

/// The server ends the stream after each batch; EventSource reconnects by itself with
/// Last-Event-ID, so errors are expected and ignored.
export function open_stream(after, on_delivery) {
    const source = new EventSource(
        `/api/stream?token=${encodeURIComponent(token)}&after=${after}`);
    source.addEventListener('delivery', (event) => {
        try {
            on_delivery(JSON.parse(event.data));
        } catch (error) {
            console.warn('bad stream event', error);
        }
    });
    return source;
}
