// The focus ring of the element that has the focus: its style and width, and the
// contrast of its colour with the nearest background drawn behind it (WCAG 2.4.7, and
// 1.4.11's 3:1). Read by tests/e2e/test_screens.py.
() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const rgba = (colour) => colour.match(/[\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = [r, g, b].map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  let behind = e.parentElement;
  while (behind && rgba(getComputedStyle(behind).backgroundColor)[3] === 0) {
    behind = behind.parentElement;
  }
  const background = behind ? rgba(getComputedStyle(behind).backgroundColor) : [255, 255, 255];
  const [light, dark] = [luminance(rgba(s.outlineColor)), luminance(background)].sort((x, y) => y - x);
  return {
    element: `${e.tagName.toLowerCase()} ${(e.innerText || e.name || "").trim().slice(0, 30)}`,
    style: s.outlineStyle,
    width: parseFloat(s.outlineWidth),
    contrast: (light + 0.05) / (dark + 0.05),
  };
}
