"""Charts on the teacher dashboards: SVG drawn on the server, safe to print inline under our CSP.

No Flask app is needed: the charts are plain functions from numbers to Markup.
"""
from __future__ import annotations

from xml.dom import minidom

import pytest
from jinja2 import Environment
from markupsafe import Markup

from quizapp.services.render import charts
from quizapp.services.render.charts import bar_chart, contrast_ratio, percent, stacked_bar

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
ORDER = ["not_started", "emerging", "developing", "secure"]
COLOURS = {"not_started": "#c3cbd6", "emerging": "#f2b84b", "developing": "#7fb2e5", "secure": "#1b7a3d"}
LABELS = {"not_started": "Not started", "emerging": "Emerging", "developing": "Developing", "secure": "Secure"}
HOSTILE = [
    "<script>alert(1)</script>",
    '" onload="x',
    "' onload='x",
    "Tom & Jerry's <b>class</b>",
    "]]><svg onload=alert(1)>",
    "bell\x07 and null\x00 and lone \ud800 surrogate",
]
# Everything a chart may contain. Nothing that links, loads, runs or styles.
ELEMENTS = {"svg", "title", "desc", "g", "rect", "text"}
ATTRIBUTES = {"xmlns", "role", "aria-labelledby", "viewBox", "width", "height", "class", "id", "x", "y", "dy", "fill",
              "stroke", "stroke-width", "font-size", "text-anchor"}


def levels(not_started=0, emerging=0, developing=0, secure=0) -> dict[str, int]:
    return {"not_started": not_started, "emerging": emerging, "developing": developing, "secure": secure}


def outcomes_chart(rows, **kwargs) -> Markup:
    return stacked_bar(rows, order=ORDER, colours=COLOURS, labels=LABELS, title=kwargs.pop("title", "4B: levels"), **kwargs)


def parse(chart: Markup) -> minidom.Element:
    assert isinstance(chart, Markup)
    return minidom.parseString(str(chart)).documentElement


def elements(root: minidom.Element, tag: str, cls: str | None = None) -> list[minidom.Element]:
    return [e for e in root.getElementsByTagName(tag) if cls is None or e.getAttribute("class") == cls]


def text_of(element: minidom.Element) -> str:
    return "".join(node.data for node in element.childNodes if node.nodeType == node.TEXT_NODE)


def texts(root: minidom.Element) -> list[str]:
    return [text_of(t) for t in elements(root, "text")]


def own_title(element: minidom.Element) -> str:
    return next(text_of(c) for c in element.childNodes if getattr(c, "tagName", None) == "title")


def widths(root: minidom.Element, cls: str) -> list[float]:
    return [float(r.getAttribute("width")) for r in elements(root, "rect", cls)]


def all_charts() -> list[Markup]:
    return [
        bar_chart([("Passwords", 80), ("Being kind", 45)], title="Year 4: finished, by topic"),
        bar_chart([], title="Nothing yet"),
        outcomes_chart([("I can make a strong password", levels(1, 2, 5, 12)), ("I can ask for help", levels())]),
        outcomes_chart([]),
    ]


# ---------------------------------------------------------------- percent


def test_percent_is_a_rounded_whole_number_and_zero_of_nothing():
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(4, 4) == 100
    assert percent(0, 5) == 0
    assert percent(0, 0) == 0
    assert percent(5, 0) == 0


# --------------------------------------------- every chart, every shape


@pytest.mark.parametrize("chart", all_charts(), ids=["bars", "bars-empty", "stacked", "stacked-empty"])
def test_a_chart_is_one_named_and_described_image(chart):
    svg = parse(chart)
    assert svg.tagName == "svg"
    assert svg.getAttribute("role") == "img"
    assert svg.getAttribute("width") == "100%"
    assert svg.getAttribute("viewBox").startswith("0 0 ")
    title, desc = svg.childNodes[0], svg.childNodes[1]
    assert (title.tagName, desc.tagName) == ("title", "desc")
    assert text_of(title) and text_of(desc)
    assert svg.getAttribute("aria-labelledby").split() == [title.getAttribute("id"), desc.getAttribute("id")]


@pytest.mark.parametrize("chart", all_charts(), ids=["bars", "bars-empty", "stacked", "stacked-empty"])
def test_a_chart_needs_nothing_the_csp_forbids(chart):
    assert "style=" not in chart
    assert "http" not in chart.replace(SVG_NS, "")
    svg = parse(chart)
    assert {e.tagName for e in svg.getElementsByTagName("*")} | {"svg"} <= ELEMENTS
    for element in [svg, *svg.getElementsByTagName("*")]:
        assert set(element.attributes.keys()) <= ATTRIBUTES


def test_a_chart_prints_as_it_is_in_an_autoescaping_template():
    chart = bar_chart([("Tom & Jerry", 50)], title="Class <1>")
    rendered = Environment(autoescape=True).from_string("{{ chart }}").render(chart=chart)
    assert rendered == str(chart)
    assert "Tom &amp; Jerry" in rendered and "&amp;amp;" not in rendered


def test_text_is_dark_on_white_and_bars_stand_out_from_the_page():
    svg = parse(bar_chart([("Passwords", 80)], title="t"))
    assert {t.getAttribute("fill") for t in elements(svg, "text")} == {charts.INK}
    assert elements(svg, "rect", "bar")[0].getAttribute("fill") == charts.BAR
    assert contrast_ratio(charts.INK, "#ffffff") >= 4.5  # WCAG AA, normal text
    assert contrast_ratio(charts.BAR, "#ffffff") >= 3  # WCAG 1.4.11, graphical objects


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#1f5fbf", "#1f5fbf") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# --------------------------------------------------------------- ids


def test_two_charts_on_a_page_never_share_ids():
    by_topic = parse(bar_chart([("Passwords", 80)], title="Whole school: finished, by topic"))
    by_strand = parse(bar_chart([("Passwords", 80)], title="Whole school: finished, by framework strand"))
    same_title_other_data = parse(bar_chart([("Passwords", 81)], title="Whole school: finished, by topic"))
    ids = [{e.getAttribute("id") for e in svg.getElementsByTagName("*") if e.getAttribute("id")}
           for svg in (by_topic, by_strand, same_title_other_data)]
    assert all(len(i) == 2 for i in ids)
    assert not ids[0] & ids[1] and not ids[0] & ids[2] and not ids[1] & ids[2]


def test_the_same_chart_is_drawn_the_same_each_time():
    assert bar_chart([("Passwords", 80)], title="t") == bar_chart([("Passwords", 80)], title="t")
    assert outcomes_chart([("o", levels(secure=1))]) == outcomes_chart([("o", levels(secure=1))])


def test_a_given_id_prefix_is_used_and_made_safe():
    svg = parse(bar_chart([("a", 1)], title="t", id_prefix="topics"))
    assert svg.getAttribute("aria-labelledby") == "topics-title topics-desc"
    hostile = parse(bar_chart([("a", 1)], title="t", id_prefix='1" onload="x'))
    assert hostile.getAttribute("aria-labelledby") == "chart-1--onload--x-title chart-1--onload--x-desc"


# -------------------------------------------------------------- bar chart


def test_the_description_reads_out_every_bar():
    svg = parse(bar_chart([("Passwords", 80), ("Being kind", 45)], title="Year 4"))
    assert text_of(elements(svg, "desc")[0]) == "Passwords: 80%; Being kind: 45%"
    assert texts(svg) == ["Passwords", "80%", "Being kind", "45%"]


def test_other_units_and_fractions_are_written_as_given():
    svg = parse(bar_chart([("Class 3A", 12), ("Class 3B", 7.5)], title="t", max_value=30, unit=" pupils"))
    assert text_of(elements(svg, "desc")[0]) == "Class 3A: 12 pupils; Class 3B: 7.5 pupils"


def test_bar_widths_are_proportional_to_the_values():
    svg = parse(bar_chart([("a", 25), ("b", 50), ("c", 100), ("d", 0)], title="t"))
    track = widths(svg, "track")[0]
    assert widths(svg, "bar") == pytest.approx([track / 4, track / 2, track, 0], abs=0.05)
    half = parse(bar_chart([("a", 25)], title="t", max_value=50))
    assert widths(half, "bar")[0] == pytest.approx(widths(half, "track")[0] / 2, abs=0.05)


def test_values_are_clamped_to_zero_and_the_maximum():
    svg = parse(bar_chart([("over", 150), ("under", -20), ("nan", float("nan")), ("inf", float("inf"))], title="t"))
    track = widths(svg, "track")[0]
    assert widths(svg, "bar") == [track, 0, 0, track]
    assert texts(svg)[1::2] == ["100%", "0%", "0%", "100%"]
    assert text_of(elements(svg, "desc")[0]) == "over: 100%; under: 0%; nan: 0%; inf: 100%"


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_the_rows_title():
    label = "Being kind online, and what to do when someone is unkind to you or your friends"
    svg = parse(bar_chart([(label, 60)], title="t"))
    shown = texts(svg)[0]
    assert shown.endswith("\u2026") and label.startswith(shown[:-1]) and len(shown) < len(label)
    assert len(shown) * charts.CHAR_WIDTH <= float(elements(svg, "rect", "track")[0].getAttribute("x"))
    row = elements(svg, "g")[0]
    assert own_title(row) == f"{label}: 60%"
    assert label in text_of(elements(svg, "desc")[0])


def test_no_rows_say_no_data_yet():
    svg = parse(bar_chart([], title="Year 4: finished"))
    assert texts(svg) == ["No data yet"]
    assert text_of(elements(svg, "desc")[0]) == "No data yet"
    assert text_of(elements(svg, "title")[0]) == "Year 4: finished"
    assert not elements(svg, "rect")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_labels_are_text_not_markup(hostile):
    chart = bar_chart([(hostile, 50)], title=hostile, unit=hostile[:8])
    svg = parse(chart)
    assert not svg.getElementsByTagName("script")
    assert all(not name.startswith("on") for e in svg.getElementsByTagName("*") for name in e.attributes.keys())
    readable = "".join(c for c in hostile if c >= " " and not "\ud800" <= c <= "\udfff")
    assert text_of(elements(svg, "title")[0]) == readable
    assert readable in text_of(elements(svg, "desc")[0])


@pytest.mark.parametrize("kwargs", [{"max_value": 0}, {"max_value": float("nan")}, {"width": 100}, {"bar_height": 2}])
def test_impossible_sizes_are_refused(kwargs):
    with pytest.raises(ValueError):
        bar_chart([("a", 1)], title="t", **kwargs)


# ------------------------------------------------------------ stacked bars


def test_each_segment_says_its_level_and_count():
    svg = parse(outcomes_chart([("I can make a strong password", levels(emerging=1, developing=5, secure=12))]))
    assert [own_title(s) for s in elements(svg, "rect", "segment")] == [
        "Emerging: 1 pupil", "Developing: 5 pupils", "Secure: 12 pupils"]


def test_the_description_reads_out_every_bar_in_words():
    svg = parse(outcomes_chart([("I can make a strong password", levels(0, 1, 5, 12)), ("I can ask for help", levels(3))]))
    assert text_of(elements(svg, "desc")[0]) == (
        "I can make a strong password: Emerging 1, Developing 5, Secure 12 (18 pupils); "
        "I can ask for help: Not started 3 (3 pupils)")


def test_segments_share_the_bar_in_proportion_and_in_order():
    svg = parse(outcomes_chart([("o", levels(2, 4, 6, 8))]))
    segments = elements(svg, "rect", "segment")
    full = widths(svg, "track")[0]
    assert [s.getAttribute("fill") for s in segments] == [COLOURS[k] for k in ORDER]
    assert widths(svg, "segment") == pytest.approx([full * n / 20 for n in (2, 4, 6, 8)], abs=0.1)
    edges = [(float(s.getAttribute("x")), float(s.getAttribute("x")) + float(s.getAttribute("width"))) for s in segments]
    assert edges[0][0] == 0 and edges[-1][1] == pytest.approx(full, abs=0.1)
    assert all(a[1] == pytest.approx(b[0], abs=0.1) for a, b in zip(edges, edges[1:], strict=False))


def test_the_legend_names_every_colour():
    svg = parse(outcomes_chart([("o", levels(secure=3))]))
    legend = elements(svg, "g", "legend")[0]
    swatches = elements(legend, "rect", "swatch")
    assert [s.getAttribute("fill") for s in swatches] == [COLOURS[k] for k in ORDER]
    assert texts(legend) == [LABELS[k] for k in ORDER]


def test_a_narrow_legend_wraps_onto_more_lines():
    svg = parse(outcomes_chart([("o", levels(secure=3))], width=240))
    rows = {s.getAttribute("y") for s in elements(svg, "rect", "swatch")}
    assert len(rows) > 1
    xs = [float(s.getAttribute("x")) for s in elements(svg, "rect", "swatch")]
    assert all(0 <= x < 240 for x in xs)


def test_counts_inside_segments_are_readable_on_their_colour():
    palette = {"not_started": "#ffffff", "emerging": "#ffde00", "developing": "#1f5fbf", "secure": "#000000"}
    svg = parse(stacked_bar([("o", levels(10, 10, 10, 10))], order=ORDER, colours=palette, labels=LABELS, title="t"))
    inside = [t for t in elements(svg, "text") if t.getAttribute("text-anchor") == "middle"]
    assert [text_of(t) for t in inside] == ["10"] * 4
    for text, key in zip(inside, ORDER, strict=False):
        assert contrast_ratio(text.getAttribute("fill"), palette[key]) >= 4.5


def test_a_count_too_wide_for_its_segment_is_left_to_the_title():
    svg = parse(outcomes_chart([("o", levels(not_started=1, secure=500))]))
    inside = [text_of(t) for t in elements(svg, "text") if t.getAttribute("text-anchor") == "middle"]
    assert inside == ["500"]
    assert own_title(elements(svg, "rect", "segment")[0]) == "Not started: 1 pupil"


def test_a_row_with_no_pupils_and_no_rows_say_no_data_yet():
    svg = parse(outcomes_chart([("I can ask for help", levels())]))
    assert "No data yet" in texts(svg)
    assert not elements(svg, "rect", "segment")
    assert text_of(elements(svg, "desc")[0]) == "I can ask for help: no data yet"
    empty = parse(outcomes_chart([]))
    assert texts(empty) == ["No data yet"] and text_of(elements(empty, "desc")[0]) == "No data yet"


def test_long_outcomes_are_cut_with_an_ellipsis_and_kept_whole_in_the_rows_title():
    label = "I can explain why I should ask a trusted adult before I share a photo of someone else " * 2
    svg = parse(outcomes_chart([(label, levels(secure=1))]))
    shown = [t for t in texts(svg) if t.startswith("I can")][0]
    assert shown.endswith("\u2026") and len(shown) * charts.CHAR_WIDTH <= 640
    assert own_title(elements(svg, "g")[1]) == label


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_outcomes_and_level_names_are_text_not_markup(hostile):
    labels = {**LABELS, "secure": hostile}
    chart = stacked_bar([(hostile, levels(secure=2))], order=ORDER, colours=COLOURS, labels=labels, title=hostile)
    svg = parse(chart)
    assert not svg.getElementsByTagName("script")
    assert all(not name.startswith("on") for e in svg.getElementsByTagName("*") for name in e.attributes.keys())
    readable = "".join(c for c in hostile if c >= " " and not "\ud800" <= c <= "\udfff")
    assert own_title(elements(svg, "rect", "segment")[0]) == f"{readable}: 2 pupils"


@pytest.mark.parametrize("colour", ["red", "url(http://example.org/x)", '#123456" onload="x', "#12", "", None])
def test_only_hex_colours_reach_a_fill(colour):
    with pytest.raises(ValueError):
        stacked_bar([("o", levels(secure=1))], order=ORDER, colours={**COLOURS, "secure": colour}, labels=LABELS, title="t")


def test_short_hex_colours_are_written_out_in_full():
    svg = parse(stacked_bar([("o", levels(secure=1))], order=ORDER, colours={**COLOURS, "secure": "#0A0"},
                            labels=LABELS, title="t"))
    assert elements(svg, "rect", "segment")[0].getAttribute("fill") == "#00aa00"


@pytest.mark.parametrize("colours, labels, counts", [
    ({**COLOURS, "emerging": COLOURS["secure"]}, LABELS, levels(secure=1)),  # two levels, one colour
    ({k: v for k, v in COLOURS.items() if k != "secure"}, LABELS, levels(secure=1)),  # a level with no colour
    (COLOURS, {k: v for k, v in LABELS.items() if k != "secure"}, levels(secure=1)),  # a level with no name
    (COLOURS, LABELS, {"secure": 1, "mastered": 2}),  # a count outside the levels would be lost
])
def test_categories_must_be_complete_and_distinct(colours, labels, counts):
    with pytest.raises(ValueError):
        stacked_bar([("o", counts)], order=ORDER, colours=colours, labels=labels, title="t")


def test_missing_and_negative_counts_count_as_none():
    svg = parse(outcomes_chart([("o", {"secure": 4, "emerging": -3})]))
    assert [own_title(s) for s in elements(svg, "rect", "segment")] == ["Secure: 4 pupils"]
