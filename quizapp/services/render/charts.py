"""Charts for the teacher dashboards, drawn on the server as inline SVG.

No JavaScript, fonts, files or links: the Content-Security-Policy allows no
inline script or style attributes, so colours and sizes are SVG presentation
attributes (fill="...", font-size="..."), never style="...". Text has no
font-family, so it is drawn in the page's own font.

Every piece of text is escaped here, so the result is Markup and a template
can print it as it is. A chart is a picture of the table next to it, not a
replacement for it. role="img" makes it one image for a screen reader, named by
its <title> and described by its <desc>, which gives the same numbers in
words. The <title> inside each row or segment is a tooltip for a mouse user.
"""
from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

INK = "#1d2433"  # text: 15.5:1 on white (WCAG AA needs 4.5:1)
BAR = "#1f5fbf"  # 6.1:1 on white, so a bar stands out from the page (3:1 needed)
TRACK = "#e8ecf2"  # the empty part of a bar: decoration only
WHITE = "#ffffff"
FONT_SIZE = 14
# The server cannot measure text without a font, so labels are cut at a number
# of characters. 0.62em is wider than the average letter of the page's fonts.
CHAR_WIDTH = 0.62 * FONT_SIZE
PAD = 8
NO_DATA = "No data yet"
NO_ANSWERS = "No answers yet"
ELLIPSIS = "\u2026"

# Characters that XML 1.0 forbids even when escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def percent(part: float, whole: float) -> int:
    """part as a whole-number percentage of whole, rounded like the dashboards' tables; 0 when whole is 0."""
    return round(100 * part / whole) if whole > 0 else 0


# ------------------------------------------------------------ bar chart


def bar_chart(rows: Sequence[tuple[str, float | None]], *, title: str, max_value: float = 100, unit: str = "%",
              width: int = 640, bar_height: int = 28, id_prefix: str | None = None) -> Markup:
    """One horizontal bar per row: label on the left, bar, value on the right.

    Values are clamped to 0..max_value. `unit` is written straight after each
    value ("%" gives "80%"; give " pupils" for "12 pupils"). A value of None
    means there is nothing to measure yet: an empty bar reading "No answers yet",
    never a "0%" that reads as failure.
    """
    _check_size(width, bar_height)
    if not (math.isfinite(max_value) and max_value > 0):
        raise ValueError(f"max_value must be a positive number, received {max_value!r}")
    rows = [(str(label), None if value is None else _clamp(value, max_value)) for label, value in rows]
    chart_id = _chart_id("bar", title, rows, id_prefix)
    if not rows:
        return _empty(chart_id, title, width)
    values = [NO_ANSWERS if value is None else _num(value) + unit for _, value in rows]
    value_w = min(max(48, round(max(len(v) for v in values) * CHAR_WIDTH) + PAD), round(width * 0.3))
    label_w = round(width * 0.34)
    bar_w = width - label_w - value_w - PAD
    pitch = bar_height + PAD
    body = [
        _bar_row(label, (value or 0) / max_value, text, PAD + i * pitch, label_w, bar_w, bar_height, width)
        for i, ((label, value), text) in enumerate(zip(rows, values, strict=True))
    ]
    desc = "; ".join(f"{label}: {text}" for (label, _), text in zip(rows, values, strict=True))
    return _svg(chart_id, title, desc, width, len(rows) * pitch + PAD, body)


def _bar_row(label: str, share: float, value_text: str, y: int, label_w: int, bar_w: int, bar_height: int,
             width: int) -> str:
    middle = y + bar_height / 2
    return (
        f"<g><title>{_esc(label)}: {_esc(value_text)}</title>"
        f"{_text(_clip(label, (label_w - PAD) / CHAR_WIDTH), 0, middle)}"
        f'<rect class="track" x="{label_w}" y="{y}" width="{bar_w}" height="{bar_height}" fill="{TRACK}"/>'
        f'<rect class="bar" x="{label_w}" y="{y}" width="{_num(bar_w * share)}" height="{bar_height}" fill="{BAR}"/>'
        f"{_text(value_text, width, middle, anchor='end')}</g>"
    )


def _clamp(value: float, max_value: float) -> float:
    value = float(value)
    if math.isnan(value):
        return 0.0
    return min(max(value, 0.0), max_value)


# ---------------------------------------------------- 100% stacked bars


def stacked_bar(rows: Sequence[tuple[str, Mapping[str, int]]], *, order: Sequence[str], colours: Mapping[str, str],
                labels: Mapping[str, str], title: str, width: int = 640, bar_height: int = 28,
                noun: tuple[str, str] = ("pupil", "pupils"), id_prefix: str | None = None) -> Markup:
    """One bar per row, split into the share of each category, with a key above.

    `order` names the categories from left to right; each needs a colour
    ("#rgb" or "#rrggbb", all different) and a label. A row's counts may leave
    categories out (they count 0) but not name one outside `order`. Each
    segment is labelled with its count when the count fits inside it, so the
    chart does not depend on colour alone.
    """
    _check_size(width, bar_height)
    fills = _check_categories(order, colours, labels)
    rows = [(str(label), _counts(label, counts, order)) for label, counts in rows]
    chart_id = _chart_id("stacked", title, (rows, list(order), fills, dict(labels)), id_prefix)
    if not rows:
        return _empty(chart_id, title, width)
    legend, legend_h = _legend(order, fills, labels, width)
    pitch = FONT_SIZE + 8 + bar_height + 2 * PAD  # label line, bar, gap
    body = [legend] + [
        _stacked_row(label, counts, order, fills, labels, noun, legend_h + i * pitch, width, bar_height)
        for i, (label, counts) in enumerate(rows)
    ]
    desc = "; ".join(_describe_counts(label, counts, order, labels, noun) for label, counts in rows)
    return _svg(chart_id, title, desc, width, legend_h + len(rows) * pitch, body)


def _check_categories(order: Sequence[str], colours: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, str]:
    """The categories' colours as "#rrggbb"; raises ValueError on a missing, malformed or repeated one."""
    if not order:
        raise ValueError("order must name at least one category")
    missing = [key for key in order if key not in colours or key not in labels]
    if missing:
        raise ValueError(f"every category needs a colour and a label; missing for {missing}")
    fills = {key: _colour(colours[key]) for key in order}
    if len(set(fills.values())) < len(fills):
        raise ValueError(f"each category needs its own colour, received {fills}")
    return fills


def _counts(label: str, counts: Mapping[str, int], order: Sequence[str]) -> dict[str, int]:
    unknown = sorted(set(counts) - set(order))
    if unknown:
        raise ValueError(f"row {label!r} counts categories that are not in order: {unknown}")
    return {key: max(int(counts.get(key, 0)), 0) for key in order}


def _legend(order: Sequence[str], fills: Mapping[str, str], labels: Mapping[str, str], width: int) -> tuple[str, int]:
    """The key: a swatch and a name per colour, wrapped onto as many lines as needed. Returns (svg, height)."""
    items, x, y, line = [], 0.0, PAD, 22
    for key in order:
        name = _clip(labels[key], (width - 28) / CHAR_WIDTH)
        item_w = 14 + 6 + len(name) * CHAR_WIDTH + 20
        if x and x + item_w > width:
            x, y = 0.0, y + line
        items.append(
            f'<rect class="swatch" x="{_num(x)}" y="{y}" width="14" height="14" fill="{fills[key]}" '
            f'stroke="{INK}" stroke-width="1"/>{_text(name, x + 20, y + 7)}'
        )
        x += item_w
    return f'<g class="legend">{"".join(items)}</g>', y + line + PAD


def _stacked_row(label: str, counts: Mapping[str, int], order: Sequence[str], fills: Mapping[str, str],
                 labels: Mapping[str, str], noun: tuple[str, str], y: int, width: int, bar_height: int) -> str:
    bar_y = y + FONT_SIZE + 8
    parts = [f"<g><title>{_esc(label)}</title>", _text(_clip(label, width / CHAR_WIDTH), 0, y + FONT_SIZE / 2),
             f'<rect class="track" x="0" y="{bar_y}" width="{width}" height="{bar_height}" fill="{TRACK}"/>']
    total = sum(counts.values())
    if not total:
        parts.append(_text(NO_DATA, PAD, bar_y + bar_height / 2))
    before = 0  # pupils in the segments to the left; edges are placed from running totals so they meet exactly
    for key in order:
        if counts[key]:
            left, right = width * before / total, width * (before + counts[key]) / total
            parts.append(_segment(labels[key], counts[key], fills[key], noun, left, right, bar_y, bar_height))
            before += counts[key]
    # An outline shows where the bar ends, whatever the colours' contrast with the page.
    parts.append(f'<rect class="outline" x="0" y="{bar_y}" width="{width}" height="{bar_height}" fill="none" '
                 f'stroke="{INK}" stroke-width="1"/>')
    return "".join(parts) + "</g>"


def _segment(name: str, count: int, fill: str, noun: tuple[str, str], left: float, right: float, y: int,
             bar_height: int) -> str:
    # A white edge keeps neighbouring colours apart even when they are alike in lightness.
    svg = (f'<rect class="segment" x="{_num(left)}" y="{y}" width="{_num(right - left)}" height="{bar_height}" '
           f'fill="{fill}" stroke="{WHITE}" stroke-width="1"><title>{_esc(name)}: {_pupils(count, noun)}</title></rect>')
    if right - left >= len(str(count)) * CHAR_WIDTH + PAD:
        svg += _text(str(count), (left + right) / 2, y + bar_height / 2, anchor="middle", fill=_text_colour_on(fill))
    return svg


def _describe_counts(label: str, counts: Mapping[str, int], order: Sequence[str], labels: Mapping[str, str],
                     noun: tuple[str, str]) -> str:
    total = sum(counts.values())
    if not total:
        return f"{label}: {NO_DATA.lower()}"
    parts = ", ".join(f"{labels[key]} {counts[key]}" for key in order if counts[key])
    return f"{label}: {parts} ({_pupils(total, noun)})"


def _pupils(count: int, noun: tuple[str, str]) -> str:
    return f"{count} {noun[0] if count == 1 else noun[1]}"


# ---------------------------------------------------------------- colour


def _colour(value: str) -> str:
    """A "#rgb" or "#rrggbb" colour as lower-case "#rrggbb". Nothing else reaches a fill="..." attribute."""
    if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value):
        raise ValueError(f'Expected a colour like "#1f5fbf", received {value!r}')
    digits = value[1:].lower()
    return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((_luminance(_colour(first)), _luminance(_colour(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=256)
def _text_colour_on(fill: str) -> str:
    """Dark or white text, whichever stands out more on `fill` (a chart has a
    handful of fills and hundreds of segments: worked out once per fill)."""
    return INK if contrast_ratio(INK, fill) >= contrast_ratio(WHITE, fill) else WHITE


# ------------------------------------------------------------ SVG pieces


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {_num(height)}" width="100%" class="chart-svg" id="{chart_id}">'
        f'<title id="{chart_id}-title">{_esc(title)}</title><desc id="{chart_id}-desc">{_esc(desc)}</desc>'
        f'{"".join(body)}</svg>'
    )


def _empty(chart_id: str, title: str, width: int) -> Markup:
    return _svg(chart_id, title, NO_DATA, width, 48, [_text(NO_DATA, PAD, 24)])


def _text(content: str, x: float, middle: float, *, anchor: str = "start", fill: str = INK) -> str:
    """One line of text, centred on `middle` (dy="0.35em" drops it by about half a capital letter)."""
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (f'<text x="{_num(x)}" y="{_num(middle)}" dy="0.35em" font-size="{FONT_SIZE}" fill="{fill}"{anchor_attr}>'
            f"{_esc(content)}</text>")


def _esc(text: str) -> str:
    """Text made safe for an element or a double-quoted attribute: characters XML forbids dropped, the rest escaped."""
    return str(escape(_NOT_XML.sub("", str(text))))


def _clip(text: str, max_chars: float) -> str:
    """Text that fits in max_chars characters, cut at the end with an ellipsis when it is longer."""
    text = " ".join(str(text).split())
    limit = max(int(max_chars), 2)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + ELLIPSIS


def _num(value: float) -> str:
    """A number with at most one decimal place: "12", "12.5"."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _chart_id(kind: str, title: str, data: object, id_prefix: str | None) -> str:
    """An id for the chart's parts. Without id_prefix it comes from the title and the data,
    so two different charts on a page never share one and the same chart always gets the same one."""
    if id_prefix:
        safe = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)
        return safe if safe[0].isalpha() else f"chart-{safe}"
    slug = re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:24].strip("-") or "chart"
    digest = hashlib.blake2s(repr((kind, title, data)).encode("utf-8", "backslashreplace"), digest_size=4).hexdigest()
    return f"chart-{slug}-{digest}"


def _check_size(width: int, bar_height: int) -> None:
    if width < 240:
        raise ValueError(f"width must be at least 240, received {width!r}")
    if bar_height < 8:
        raise ValueError(f"bar_height must be at least 8, received {bar_height!r}")
