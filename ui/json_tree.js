// json_tree.js — an order-keeping JSON parser (keys stay in wire order, numbers keep their
// exact text, duplicate keys are kept) and the collapsible tree drawn from it with DOM text nodes.

/// Parses JSON text into nodes: {type: 'object', entries: [[key, node]...]}, {type: 'array',
/// items}, {type: 'string', value}, {type: 'number', raw}, {type: 'boolean', value},
/// {type: 'null'}. Throws SyntaxError with the offset on malformed input.
export function parse_json(text) {
    const string_pattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    const literal_pattern = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    const space_pattern = /[ \t\r\n]+/y;
    let at = 0;
    const fail = (what) => {
        throw new SyntaxError(`${what} at offset ${at}`);
    };
    const skip_space = () => {
        space_pattern.lastIndex = at;
        if (space_pattern.test(text)) at = space_pattern.lastIndex;
    };
    const parse_string = () => {
        string_pattern.lastIndex = at;
        const match = string_pattern.exec(text);
        if (!match) fail('bad string');
        at += match[0].length;
        return JSON.parse(match[0]);
    };
    const parse_value = (depth) => {
        if (depth > 500) fail('nesting too deep');
        skip_space();
        const c = text[at];
        if (c === '{') {
            at++;
            const entries = [];
            skip_space();
            if (text[at] === '}') {
                at++;
                return { type: 'object', entries };
            }
            for (;;) {
                skip_space();
                if (text[at] !== '"') fail('expected a key');
                const key = parse_string();
                skip_space();
                if (text[at] !== ':') fail('expected ":"');
                at++;
                entries.push([key, parse_value(depth + 1)]);
                skip_space();
                if (text[at] === ',') { at++; continue; }
                if (text[at] === '}') { at++; return { type: 'object', entries }; }
                fail('expected "," or "}"');
            }
        }
        if (c === '[') {
            at++;
            const items = [];
            skip_space();
            if (text[at] === ']') {
                at++;
                return { type: 'array', items };
            }
            for (;;) {
                items.push(parse_value(depth + 1));
                skip_space();
                if (text[at] === ',') { at++; continue; }
                if (text[at] === ']') { at++; return { type: 'array', items }; }
                fail('expected "," or "]"');
            }
        }
        if (c === '"') return { type: 'string', value: parse_string() };
        literal_pattern.lastIndex = at;
        const literal = literal_pattern.exec(text);
        if (!literal) fail('unexpected character');
        at += literal[0].length;
        if (literal[0] === 'true' || literal[0] === 'false') {
            return { type: 'boolean', value: literal[0] === 'true' };
        }
        if (literal[0] === 'null') return { type: 'null' };
        return { type: 'number', raw: literal[0] };
    };
    const root = parse_value(0);
    skip_space();
    if (at !== text.length) fail('trailing text');
    return root;
}

// Characters that print as nothing (or look like a space) are spelled as escapes.
const INVISIBLE = /[\u007f-\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/// The text of a leaf as JSON would spell it; containers as a short preview.
export function leaf_text(node) {
    switch (node.type) {
    case 'string': return JSON.stringify(node.value).replace(INVISIBLE,
        (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    case 'number': return node.raw;
    case 'boolean': return String(node.value);
    case 'null': return 'null';
    case 'object': return node.entries.length ? `{…${node.entries.length}}` : '{}';
    default: return node.items.length ? `[…${node.items.length}]` : '[]';
    }
}

const pointer_token = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/// Flattens a node to [[json_pointer, text], ...] for its leaves (empty containers included).
export function flatten(node, prefix = '', out = []) {
    if (node.type === 'object' && node.entries.length) {
        for (const [key, child] of node.entries) flatten(child, `${prefix}/${pointer_token(key)}`, out);
    } else if (node.type === 'array' && node.items.length) {
        node.items.forEach((child, index) => flatten(child, `${prefix}/${index}`, out));
    } else {
        out.push([prefix, leaf_text(node)]);
    }
    return out;
}

function span(class_name, text) {
    const element = document.createElement('span');
    element.className = class_name;
    element.textContent = text;
    return element;
}

function key_parts(key) {
    if (key === null) return [];
    return [span(typeof key === 'number' ? 'jt-index' : 'jt-key',
        typeof key === 'number' ? String(key) : JSON.stringify(key)), span('jt-punct', ': ')];
}

function children_of(node) {
    return node.type === 'object' ? node.entries : node.items.map((child, index) => [index, child]);
}

/// Containers are <details>: the first levels open; deeper or very long ones closed, their
/// children built only when first opened (a large body stays quick to show).
function render_node(key, node, depth) {
    const children = node.type === 'object' || node.type === 'array' ? children_of(node) : null;
    if (!children || children.length === 0) {
        const line = document.createElement('div');
        line.className = 'jt-line';
        line.append(...key_parts(key), span(`jt-${node.type}`, leaf_text(node)));
        return line;
    }
    const details = document.createElement('details');
    details.className = 'jt-node';
    const summary = document.createElement('summary');
    const is_object = node.type === 'object';
    summary.append(...key_parts(key), span('jt-punct', is_object ? '{' : '['),
        span('jt-count', ` ${children.length} ${is_object ? (children.length === 1 ? 'key' : 'keys')
            : (children.length === 1 ? 'item' : 'items')} `),
        span('jt-punct jt-close', is_object ? '}' : ']'));
    details.append(summary);
    let built = false;
    const build = () => {
        if (built) return;
        built = true;
        const box = document.createElement('div');
        box.className = 'jt-children';
        for (const [child_key, child] of children) box.append(render_node(child_key, child, depth + 1));
        details.append(box);
    };
    details.addEventListener('toggle', () => { if (details.open) build(); });
    if (depth < 3 && children.length <= 200) {
        build();
        details.open = true;
    }
    return details;
}

/// A collapsible tree for the parsed node, with "expand all" / "collapse all" buttons.
export function render_tree(root) {
    const box = document.createElement('div');
    box.className = 'json-tree';
    const tools = document.createElement('div');
    tools.className = 'jt-tools';
    const expand = document.createElement('button');
    expand.type = 'button';
    expand.textContent = 'Expand all';
    const collapse = document.createElement('button');
    collapse.type = 'button';
    collapse.textContent = 'Collapse all';
    tools.append(expand, collapse);
    const tree = render_node(null, root, 0);
    expand.addEventListener('click', () => {
        // Opening builds one more level; repeat until nothing closed is left (bounded).
        for (let pass = 0; pass < 50; pass++) {
            const closed = tree.querySelectorAll('details:not([open])');
            if (!closed.length && !(tree.tagName === 'DETAILS' && !tree.open)) break;
            if (tree.tagName === 'DETAILS') tree.open = true;
            closed.forEach((details) => { details.open = true; details.dispatchEvent(new Event('toggle')); });
        }
    });
    collapse.addEventListener('click', () => {
        tree.querySelectorAll('details').forEach((details) => { details.open = false; });
        if (tree.tagName === 'DETAILS') tree.open = true;
    });
    box.append(tools, tree);
    return box;
}
