// list.js — the virtualised delivery list: fixed row height, only the visible rows are in the
// DOM (a small pool reused while scrolling), filters, selection kept by seq while rows stream in.

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;

export function format_time(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso || '';
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
        pad(date.getMilliseconds(), 3);
}

export function format_size(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const VERDICT_LABEL = { valid: '✓ valid', invalid: '✗ invalid', unchecked: '– unchecked' };

function glob_to_regex(glob) {
    const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${escaped}$`, 'i');
}

/// Parses a status filter: a comma list of `2xx`, `404`, `500-599`, `none`. Null when malformed.
function parse_status_filter(text) {
    const tests = [];
    for (const part of text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
        let match;
        if (part === 'none' || part === '-') tests.push((s) => s === null);
        else if ((match = /^([1-5])xx$/.exec(part))) {
            const low = Number(match[1]) * 100;
            tests.push((s) => s !== null && s >= low && s < low + 100);
        } else if ((match = /^(\d{3})$/.exec(part))) tests.push((s) => s === Number(match[1]));
        else if ((match = /^(\d{3})-(\d{3})$/.exec(part))) {
            tests.push((s) => s !== null && s >= Number(match[1]) && s <= Number(match[2]));
        } else return null;
    }
    return tests.length ? (s) => tests.some((test) => test(s)) : () => true;
}

/// Builds a predicate over summaries from the filter inputs' values; `extra_text(seq)` gives
/// the headers and body text of deliveries whose details were fetched (searched too).
export function make_filter(values, extra_text) {
    const text = values.text.trim().toLowerCase();
    const event = values.event.trim() ? glob_to_regex(values.event.trim()) : null;
    const status = parse_status_filter(values.status);
    const filter = (summary) => {
        if (values.provider === '-' ? summary.provider !== '' :
            values.provider && summary.provider !== values.provider) return false;
        if (values.verdict && values.verdict !== 'all' && summary.verdict !== values.verdict) return false;
        if (event && !event.test(summary.event_type || '')) return false;
        if (status && !status(summary.status)) return false;
        if (text) {
            const haystack = [summary.target, summary.id, summary.event_type, summary.provider,
                summary.reason, summary.method, summary.content_type, summary.seq].join('\n');
            if (!haystack.toLowerCase().includes(text) &&
                !(extra_text(summary.seq) || '').toLowerCase().includes(text)) return false;
        }
        return true;
    };
    filter.status_ok = status !== null;
    return filter;
}

function cell(class_name) {
    const element = document.createElement('span');
    element.className = `cell ${class_name}`;
    return element;
}

export class DeliveryList {
    constructor(container, { on_select, on_open }) {
        this.container = container;
        this.on_select = on_select;
        this.on_open = on_open;
        this.all = [];
        this.shown = [];
        this.filter = () => true;
        this.selected_seq = null;
        this.pool = [];
        this.frame = 0;
        this.body = container.querySelector('.list-body');
        this.header_height = container.querySelector('.list-head').offsetHeight || ROW_HEIGHT;
        container.addEventListener('scroll', () => this.schedule());
        new ResizeObserver(() => this.schedule()).observe(container);
        this.body.addEventListener('click', (event) => {
            const row = event.target.closest('.row');
            if (!row) return;
            this.select(Number(row.dataset.seq), false);
            this.on_open(Number(row.dataset.seq));
        });
    }

    set_filter(filter) {
        this.filter = filter;
        this.shown = this.all.filter(filter);
        this.schedule();
    }

    /// Appends summaries (ascending seq). Rows only ever join at the end, so the scroll offset
    /// and the selection stay where they are.
    append(summaries) {
        for (const summary of summaries) {
            this.all.push(summary);
            if (this.filter(summary)) this.shown.push(summary);
        }
        this.schedule();
    }

    index_of(seq) {
        // shown is sorted by seq: binary search.
        let low = 0;
        let high = this.shown.length - 1;
        while (low <= high) {
            const mid = (low + high) >> 1;
            const value = this.shown[mid].seq;
            if (value === seq) return mid;
            if (value < seq) low = mid + 1;
            else high = mid - 1;
        }
        return -1;
    }

    select(seq, scroll = true) {
        this.selected_seq = seq;
        if (scroll) this.ensure_visible(this.index_of(seq));
        this.schedule();
        this.on_select(seq);
    }

    move(delta) {
        if (!this.shown.length) return;
        let index = this.index_of(this.selected_seq);
        if (index < 0) {
            // Nothing selected (or filtered out): start from the rows in view, not from the top.
            const view = this.container.clientHeight - this.header_height;
            index = delta > 0 ? Math.ceil(this.container.scrollTop / ROW_HEIGHT) :
                Math.floor((this.container.scrollTop + view) / ROW_HEIGHT) - 1;
        } else {
            index += delta;
        }
        index = Math.max(0, Math.min(this.shown.length - 1, index));
        this.select(this.shown[index].seq);
    }

    ensure_visible(index) {
        if (index < 0) return;
        const top = index * ROW_HEIGHT;
        const view = this.container.clientHeight - this.header_height;
        if (top < this.container.scrollTop) this.container.scrollTop = top;
        else if (top + ROW_HEIGHT > this.container.scrollTop + view) {
            this.container.scrollTop = top + ROW_HEIGHT - view;
        }
    }

    scroll_to_end() {
        this.container.scrollTop = this.shown.length * ROW_HEIGHT;
    }

    /// True when rows exist below the visible part.
    has_more_below() {
        const view = this.container.clientHeight - this.header_height;
        return this.container.scrollTop + view < this.shown.length * ROW_HEIGHT - 2;
    }

    schedule() {
        if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
    }

    render() {
        this.frame = 0;
        const total = this.shown.length;
        this.body.style.height = `${total * ROW_HEIGHT}px`;
        const view = Math.max(this.container.clientHeight - this.header_height, ROW_HEIGHT);
        const first = Math.max(0, Math.floor(this.container.scrollTop / ROW_HEIGHT) - OVERSCAN);
        const last = Math.min(total, Math.ceil((this.container.scrollTop + view) / ROW_HEIGHT) + OVERSCAN);
        const needed = Math.max(0, last - first);
        while (this.pool.length < needed) {
            const row = this.make_row();
            this.pool.push(row);
            this.body.append(row);
        }
        while (this.pool.length > needed) this.pool.pop().remove();
        // Pool elements follow the visible rows in order, so the DOM reads top to bottom
        // (screen readers, and tests picking the first row, see the list as it looks).
        for (let i = 0; i < needed; i++) this.fill_row(this.pool[i], first + i);
    }

    make_row() {
        const row = document.createElement('div');
        row.className = 'row';
        row.setAttribute('role', 'option');
        row.dataset.testid = 'row';
        row.cells = {
            time: cell('c-time'), method: cell('c-method'), path: cell('c-path'),
            provider: cell('c-provider'), event: cell('c-event'), verdict: cell('c-verdict'),
            status: cell('c-status'), size: cell('c-size'), redelivery: cell('c-redelivery'),
        };
        row.badge = document.createElement('span');
        row.cells.verdict.append(row.badge);
        row.marker = document.createElement('span');
        row.marker.className = 'redelivery';
        row.marker.dataset.testid = 'redelivery';
        row.append(...Object.values(row.cells));
        return row;
    }

    fill_row(row, index) {
        const summary = this.shown[index];
        if (row.seq === summary.seq && row.index === index && row.setsize === this.shown.length &&
            row.selected === (summary.seq === this.selected_seq)) return;
        row.setsize = this.shown.length;
        row.seq = summary.seq;
        row.index = index;
        row.selected = summary.seq === this.selected_seq;
        row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
        row.dataset.seq = summary.seq;
        row.dataset.verdict = summary.verdict;
        row.setAttribute('aria-posinset', String(index + 1));
        row.setAttribute('aria-setsize', String(this.shown.length));
        row.setAttribute('aria-selected', row.selected ? 'true' : 'false');
        row.classList.toggle('odd', index % 2 === 1);
        const c = row.cells;
        c.time.textContent = format_time(summary.received_at);
        c.time.title = summary.received_at;
        c.method.textContent = summary.method;
        c.path.textContent = summary.target;
        c.path.title = summary.target;
        c.provider.textContent = summary.provider || '—';
        c.event.textContent = summary.event_type || '';
        c.event.title = summary.event_type || '';
        row.badge.className = `badge ${summary.verdict}`;
        row.badge.textContent = VERDICT_LABEL[summary.verdict] || summary.verdict;
        row.badge.title = summary.reason || summary.verdict;
        c.status.textContent = summary.status === null ? '—' : String(summary.status);
        c.status.className = `cell c-status s${summary.status === null ? 'none' :
            String(summary.status)[0]}`;
        c.size.textContent = format_size(summary.size);
        if (summary.redelivery) {
            row.marker.textContent = `↻${summary.attempt}`;
            row.marker.title = `redelivery: attempt ${summary.attempt} of id ${summary.id}`;
            if (!row.marker.isConnected) c.redelivery.append(row.marker);
        } else if (row.marker.isConnected) {
            row.marker.remove();
        }
    }
}
