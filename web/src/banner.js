// The banner under the header: a message of the page (the runner failed, a share link
// could not be opened) until it is dismissed.

export class Banner {
  /** `{ el, msg, close }`: the banner, its text and its Dismiss button. */
  constructor({ el, msg, close }) {
    this.el = el;
    this.msg = msg;
    close.addEventListener('click', () => this.hide());
  }

  show(text, kind = 'error') {
    this.msg.textContent = text;
    this.el.dataset.kind = kind;
    this.el.hidden = false;
  }

  hide() {
    this.el.hidden = true;
  }
}
