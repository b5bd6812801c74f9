"""What a person sees, measured in the browser: the smallest text on screen (SVG text scaled as
drawn), whether the page scrolls sideways, text cut with an ellipsis. Shared by the browser tests
and the screenshot run (tests/e2e/screenshots.py)."""

from __future__ import annotations

from typing import Any

# Every element with its own visible text: its computed font size times the scale its SVG is
# drawn at (an SVG's viewBox shrunk to the screen shrinks its text with it).
SMALLEST_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('.visually-hidden, title, script, style, [hidden], details:not([open]) > :not(summary)')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size = size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    found.push([Math.round(size * 10) / 10, node.textContent.trim().slice(0, 40)]);
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.slice(0, 5);
}"""

# How far the page reaches past the right edge of the screen, and the widest culprits.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !el.closest('.visually-hidden') && !scrolls(el)) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') + ' ' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth - width, wide: wide.slice(-5)};
}"""

CUT_TEXT = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.children.length === 0 && /\\u2026$/.test(el.textContent.trim()))
  .map(el => el.textContent.trim()).slice(0, 5)"""


def smallest_text(page: Any) -> list[tuple[float, str]]:
    return [(size, text) for size, text in page.evaluate(SMALLEST_TEXT)]


def horizontal_overflow(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(OVERFLOW))


def cut_text(page: Any) -> list[str]:
    return list(page.evaluate(CUT_TEXT))
