// What the page in the window shows wrong at its present width, as sentences: read by
// tests/e2e/test_screens.py at each screen.
() => {
  const found = [];
  const style = (e) => getComputedStyle(e);
  const name = (e) => e.tagName.toLowerCase()
    + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");

  // The page scrolls sideways (WCAG 1.4.10), or a table scrolls in its box.
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    found.push(`scrolls sideways: ${root.scrollWidth} px in a window of ${window.innerWidth}`);
  }
  for (const table of document.querySelectorAll("table")) {
    const [wide, room] = [table.getBoundingClientRect().width, table.parentElement.clientWidth];
    if (wide > room + 1) found.push(`a table ${Math.round(wide)} px wide scrolls in a box of ${room}`);
  }

  // Text in a box clipped to nothing (a visually hidden label, the skip link until it has
  // the focus) is not laid out for the eye.
  const clipped = (e) => {
    for (; e; e = e.parentElement) {
      const s = style(e);
      if (s.clip !== "auto" || s.clipPath !== "none") return true;
    }
    return false;
  };
  // The room a word has at most: the content box of the nearest box that is not sized to
  // its content (not a table cell, a flex or grid item, a float or an inline block), less
  // the padding and border of the boxes in between (a button's own). A word split though
  // it is narrower is split by the layout: a column squeezed to a letter a line.
  const inline = (e) => ["inline", "contents"].includes(style(e).display);
  const sizedToContent = (e) => {
    const s = style(e);
    const parent = e.parentElement && style(e.parentElement).display;
    return s.display.startsWith("inline") || s.display.startsWith("table")
      || ["flex", "inline-flex", "grid", "inline-grid"].includes(parent)
      || s.float !== "none" || ["absolute", "fixed"].includes(s.position);
  };
  const edges = (s) => ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"]
    .reduce((sum, side) => sum + parseFloat(s[side]), 0);
  const room = (e) => {
    let taken = inline(e) ? 0 : edges(style(e));
    while (e.parentElement && (inline(e) || sizedToContent(e))) {
      e = e.parentElement;
      if (!inline(e)) taken += edges(style(e));
    }
    const s = style(e);
    return e.clientWidth + parseFloat(s.borderLeftWidth) + parseFloat(s.borderRightWidth) - taken;
  };
  const canvas = document.createElement("canvas").getContext("2d");
  const range = document.createRange();
  const lines = (node, start, end) => {
    range.setStart(node, start);
    range.setEnd(node, end);
    const tops = new Set();
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    return tops.size;
  };

  // Each text: wider than its element's box (WCAG 1.4.4, 1.4.10), or a word split where
  // a line would hold it. A line may end after a hyphen, a dash or a slash.
  const skipped = "script, style, template, title, noscript, select, textarea";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const text = node.data;
    const parent = node.parentElement;
    if (!text.trim() || parent.closest(skipped)) continue;
    range.selectNodeContents(node);
    const whole = range.getBoundingClientRect();
    if (whole.width === 0 || clipped(parent)) continue;
    const box = parent.getBoundingClientRect();
    if (whole.left < box.left - 1 || whole.right > box.right + 1) {
      const shown = text.trim().replace(/\s+/g, " ").slice(0, 40);
      found.push(`"${shown}" is ${Math.round(whole.width)} px wide in a ${name(parent)} of ${Math.round(box.width)}`);
      continue;
    }
    const s = style(parent);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const space = room(parent);
    const split = [];
    for (const token of text.matchAll(/\S+/g)) {
      let start = token.index;
      for (const piece of token[0].split(/(?<=[-/\u2010-\u2014])/)) {
        const end = start + piece.length;
        if (lines(node, start, end) > 1 && canvas.measureText(piece).width <= space) {
          split.push(`"${piece}"`);
        }
        start = end;
      }
    }
    if (split.length) {
      const more = split.length > 4 ? ` and ${split.length - 4} more` : "";
      found.push(`${split.slice(0, 4).join(", ")}${more} split in a ${name(parent)}, though ${Math.round(space)} px would hold each`);
    }
  }

  // A button, field, menu or link of a navigation is at least 44 by 44 px, a box to tick
  // or a radio button 24 (WCAG 2.5.8 asks 24; 44 is 2.5.5's, and Apple's and Google's).
  const targets = "button, select, textarea, summary, input:not([type=hidden]), nav a[href], a.button";
  for (const target of document.querySelectorAll(targets)) {
    const rect = target.getBoundingClientRect();
    if (rect.width === 0 || clipped(target)) continue;
    const least = ["checkbox", "radio"].includes(target.type) ? 24 : 44;
    if (rect.width < least - 0.5 || rect.height < least - 0.5) {
      const label = target.labels && target.labels[0] ? target.labels[0].innerText : target.innerText || target.value || "";
      found.push(`${name(target)} "${label.trim().split("\n")[0].slice(0, 30)}" is ${Math.round(rect.width)}x${Math.round(rect.height)} px, under ${least}x${least}`);
    }
  }
  return found;
}
