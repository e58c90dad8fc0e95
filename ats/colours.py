"""Colours an employer picks for the careers site, held to WCAG 2.2 AA: text keeps a
contrast of 4.5:1 against what is behind it (success criterion 1.4.3). The formulas
are WCAG's own: relative luminance from sRGB, then (L1 + 0.05) / (L2 + 0.05)."""

import re

AA_TEXT = 4.5
WHITE = "#ffffff"
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two #rrggbb colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    red, green, blue = (_linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
