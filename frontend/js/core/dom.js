// The one way this frontend builds DOM: user text always becomes a text node
// (textContent), never HTML. No function here takes markup.

/**
 * Create an element. `attrs`: `class`, `text` (textContent), `dataset`
 * ({key: value}), `on` ({event: handler}), `hidden`, and any other attribute
 * (set with setAttribute; `null`/`false` leave it out). Children: nodes or
 * strings (strings become text nodes).
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key === 'hidden') node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Set the text of `node` if it differs (cheap to call on every render). */
export function setText(node, text) {
  const value = text ?? '';
  if (node.textContent !== value) node.textContent = value;
}

/** `document.querySelector('[data-testid=…]')`. */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}

/** Copy `text` to the clipboard; falls back to a hidden textarea. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'visually-hidden', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

/**
 * Save `blob` as a file called `name`: the downloads that need the member's
 * credential are fetched first, so a plain link cannot do it. The address is
 * kept a while, since some browsers read it after `click()` returns.
 */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Read an API error body `{code, message}`; anything else becomes a generic code. */
export async function readError(response) {
  try {
    const body = await response.json();
    if (body && typeof body.code === 'string') return body;
  } catch {
    // not JSON
  }
  return { code: `http_${response.status}`, message: response.statusText };
}

/**
 * An SVG answer (a QR code) as a data: URL for an <img>: the pages' CSP allows
 * images from 'self' and data:, not blob:.
 */
export async function svgDataUrl(response) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await response.text())}`;
}
