// A small stand-in for the browser's DOM, for unit tests of the page's modules in Node:
// elements with attributes, children, text, classes, `dataset`, `hidden` and listeners,
// and text nodes, enough for dom.js's `h` and `fill` and the panels that use them. Not a
// test file: the runner takes `test/*.test.mjs` only.
//
// `installDom()` puts `document`, `Node`, `window` (with `localStorage` and
// `sessionStorage`), `location`, `history`, `addEventListener`, `requestAnimationFrame`
// and `cancelAnimationFrame` on `globalThis`, and returns what it installed.

export class FakeNode {
  constructor(type) {
    this.nodeType = type;
    this.parentNode = null;
  }
  get nextSibling() {
    const p = this.parentNode;
    return p ? p.childNodes[p.childNodes.indexOf(this) + 1] ?? null : null;
  }
  get previousSibling() {
    const p = this.parentNode;
    return p ? p.childNodes[p.childNodes.indexOf(this) - 1] ?? null : null;
  }
  remove() {
    if (this.parentNode) this.parentNode.removeChild(this);
  }
  /** Is the node in the document (below `document.body`)? */
  get isConnected() {
    let x = this;
    while (x.parentNode) x = x.parentNode;
    return Boolean(x.isBody);
  }
}

export class FakeText extends FakeNode {
  constructor(data) {
    super(3);
    this.data = String(data);
  }
  get textContent() {
    return this.data;
  }
  set textContent(v) {
    this.data = String(v);
  }
  appendData(s) {
    this.data += s;
  }
  deleteData(offset, count) {
    this.data = this.data.slice(0, offset) + this.data.slice(offset + count);
  }
}

/** Elements keep their children in `childNodes`; `textContent` is their text, in order. */
export class FakeElement extends FakeNode {
  constructor(tag) {
    super(1);
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attributes = new Map();
    this.listeners = {};
    this.dataset = {};
    this.style = {};
    this.hidden = false;
    this.disabled = false;
    this.value = '';
    this.scrollTop = 0;
    this.scrollHeight = 0;
    this.clientHeight = 0;
    const el = this;
    this.classList = {
      add: (...c) => el.setAttribute('class', [...new Set([...el.classes(), ...c])].join(' ')),
      remove: (...c) => el.setAttribute('class', el.classes().filter((x) => !c.includes(x)).join(' ')),
      contains: (c) => el.classes().includes(c),
      toggle: (c, on = !el.classList.contains(c)) => (on ? el.classList.add(c) : el.classList.remove(c), on),
    };
  }
  classes() {
    return (this.getAttribute('class') || '').split(/\s+/).filter(Boolean);
  }
  get className() {
    return this.getAttribute('class') || '';
  }
  get firstChild() {
    return this.childNodes[0] ?? null;
  }
  get lastChild() {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get children() {
    return this.childNodes.filter((n) => n.nodeType === 1);
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(v) {
    this.replaceChildren();
    if (v !== '' && v !== null && v !== undefined) this.append(String(v));
  }
  setAttribute(k, v) {
    this.attributes.set(k, String(v));
    if (k.startsWith('data-')) this.dataset[k.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = String(v);
  }
  getAttribute(k) {
    return this.attributes.has(k) ? this.attributes.get(k) : null;
  }
  removeAttribute(k) {
    this.attributes.delete(k);
  }
  hasAttribute(k) {
    return this.attributes.has(k);
  }
  adopt(n) {
    const node = typeof n === 'string' ? new FakeText(n) : n;
    node.remove();
    node.parentNode = this;
    return node;
  }
  append(...nodes) {
    for (const n of nodes) this.childNodes.push(this.adopt(n));
  }
  prepend(...nodes) {
    this.childNodes.unshift(...nodes.map((n) => this.adopt(n)));
  }
  replaceChildren(...nodes) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    this.append(...nodes);
  }
  removeChild(n) {
    const i = this.childNodes.indexOf(n);
    if (i >= 0) this.childNodes.splice(i, 1);
    n.parentNode = null;
    return n;
  }
  contains(n) {
    for (let x = n; x; x = x.parentNode) if (x === this) return true;
    return false;
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  removeEventListener(type, fn) {
    this.listeners[type] = (this.listeners[type] || []).filter((f) => f !== fn);
  }
  /** Calls the listeners of `type` with `event` (a plain object; `target` is this element). */
  dispatch(type, event = {}) {
    for (const fn of this.listeners[type] || []) fn({ target: this, preventDefault() {}, ...event });
  }
  click() {
    this.dispatch('click');
  }
  focus() {
    document.activeElement = this;
  }
  scrollIntoView() {}
  getBoundingClientRect() {
    return { top: 0, bottom: 0, left: 0, right: 0, width: 0, height: 0 };
  }
  /** The elements below this one, in document order, that `test(el)` accepts. */
  findAll(test) {
    const out = [];
    for (const c of this.children) {
      if (test(c)) out.push(c);
      out.push(...c.findAll(test));
    }
    return out;
  }
  /** The elements below with class `c`. */
  byClass(c) {
    return this.findAll((el) => el.classList.contains(c));
  }
  /** The elements below with tag `tag`. */
  byTag(tag) {
    return this.findAll((el) => el.tagName === tag.toUpperCase());
  }
}

/** A Storage (localStorage, sessionStorage) in memory; `full`: setItem throws as a full storage does. */
export class FakeStorage {
  constructor() {
    this.map = new Map();
    this.full = false;
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    if (this.full) throw Object.assign(new Error('the quota has been exceeded'), { name: 'QuotaExceededError' });
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
  key(i) {
    return [...this.map.keys()][i] ?? null;
  }
  get length() {
    return this.map.size;
  }
}

export function installDom({ hash = '' } = {}) {
  const listeners = {};
  const body = new FakeElement('body');
  body.isBody = true;
  const document = {
    body,
    activeElement: null,
    visibilityState: 'visible',
    createElement: (tag) => new FakeElement(tag),
    createTextNode: (text) => new FakeText(text),
    createRange: () => ({ setStart() {}, setEnd() {} }),
    addEventListener: () => {},
  };
  const location = { hash, pathname: '/', search: '', href: `http://page.test/${hash}` };
  const history = { replaceState: (state, title, url) => (location.hash = url.includes('#') ? url.slice(url.indexOf('#')) : '') };
  const window = { localStorage: new FakeStorage(), sessionStorage: new FakeStorage() };
  const installed = {
    document,
    window,
    location,
    history,
    Node: { TEXT_NODE: 3, ELEMENT_NODE: 1 },
    addEventListener: (type, fn) => (listeners[type] ||= []).push(fn),
    requestAnimationFrame: (fn) => setTimeout(fn, 0),
    cancelAnimationFrame: (id) => clearTimeout(id),
    innerHeight: 800,
  };
  Object.assign(globalThis, installed);
  // `x instanceof Node` (dom.js): a fake node is a Node.
  Object.defineProperty(globalThis.Node, Symbol.hasInstance, { value: (x) => x instanceof FakeNode });
  /** Calls the window's listeners of `type` (a `storage` event, say). */
  installed.fire = (type, event) => {
    for (const fn of listeners[type] || []) fn(event);
  };
  return installed;
}
