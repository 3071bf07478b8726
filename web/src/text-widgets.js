// Short texts drawn in the editor after positions of its text (a widget on side 1 at
// each), which follow edits until they are replaced: the timeline's stack notes
// (timeline-notes.js) and the static stack hints (stack-hints.js).

import { StateEffect, StateField } from '@codemirror/state';
import { EditorView, Decoration, WidgetType } from '@codemirror/view';

class TextWidget extends WidgetType {
  constructor(text, title, look) {
    super();
    this.text = text;
    this.title = title;
    this.look = look;
  }
  eq(other) {
    return other.text === this.text && other.title === this.title && other.look === this.look;
  }
  toDOM() {
    const el = document.createElement('span');
    el.className = this.look.className;
    if (this.look.testid) el.setAttribute('data-testid', this.look.testid);
    el.title = this.title;
    if (this.look.labelled) el.setAttribute('aria-label', this.title);
    el.textContent = this.text;
    return el;
  }
  ignoreEvent() {
    return this.look.ignoreEvent;
  }
}

/**
 * A kind of text widgets: `look` `{ className, testid, labelled (the title is its
 * aria-label too), ignoreEvent }`. Returns `{ set, field }`: the effect that replaces
 * them all (`[{ pos, text, title }]`, or null for none; positions past the end are left
 * out) and the state field that draws them.
 */
export function textWidgets(look) {
  const set = StateEffect.define();
  const field = StateField.define({
    create: () => Decoration.none,
    update(deco, tr) {
      deco = deco.map(tr.changes);
      for (const e of tr.effects) {
        if (!e.is(set)) continue;
        const len = tr.state.doc.length;
        const items = (e.value || []).filter((n) => n.pos <= len).sort((a, b) => a.pos - b.pos);
        deco = Decoration.set(items.map((n) => Decoration.widget({ widget: new TextWidget(n.text, n.title, look), side: 1 }).range(n.pos)));
      }
      return deco;
    },
    provide: (f) => EditorView.decorations.from(f),
  });
  return { set, field };
}
