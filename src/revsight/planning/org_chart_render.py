"""The planned organisation chart drawn: one layout (boxes, rows and lines) computed here, then
drawn as SVG (the web page, and the PDF through WeasyPrint) and as PNG with Pillow, so the
three agree to the pixel on where everything is.

A top-down tree of team boxes, each parent centred over its sub-teams, every leaf in a column
of its own, so no two boxes can overlap. Each box lists the team's manager, salespeople, new
hires (green) and open positions (dashed), then the departures expected to date and the
manager's direct reports (red above the span limit). Text is measured with DejaVu Sans (the
font the SVG asks for first) and shortened with an ellipsis where it would not fit.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from revsight.core.periods import month_of
from revsight.planning.org_chart import Box, Chart, MonthChart, Position

FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_DIRECTORY = Path("/usr/share/fonts")
MARGIN = 16
PADDING = 10
ROW = 20
SHAPED_ROW = 24  # a new hire's or an open position's row, drawn in a shape with room around
INSET = 4  # such a row's text, further in than the others
RULE = 6  # the rule between the people and the figures
BAND = 26  # the box's title band
GAP_X = 28
GAP_Y = 48
MIN_WIDTH, MAX_WIDTH = 220, 300
HEADER = 106  # the title, two lines of summary and the legend
LEGEND = 30
MIN_DRAWING = 640.0  # wide enough for the title and the legend
# Printable area of A4 landscape with 10 mm margins, in CSS pixels (96 per inch), less a little
# so that rounding never pushes a chart onto a second page.
PAGE_WIDTH, PAGE_HEIGHT = 277 * 96 / 25.4 - 4, 190 * 96 / 25.4 - 8

# Text styles: size, bold, colour.
STYLES: dict[str, tuple[int, bool, str]] = {
    "title": (16, True, "#1d2433"),
    "subtitle": (12, False, "#5b6579"),
    "team": (13, True, "#1d2433"),
    "muted": (12, False, "#5b6579"),
    "person": (12, False, "#1d2433"),
    "hire": (12, False, "#0f5c34"),
    "open": (12, False, "#1646bf"),
    "over": (12, True, "#c23b22"),
    "under": (12, True, "#8a5a00"),
}
# Shapes: fill, stroke, stroke width, dashed.
SHAPES: dict[str, tuple[str, str, float, bool]] = {
    "box": ("#ffffff", "#9aa5b8", 1, False),
    "box-over": ("#ffffff", "#c23b22", 2.5, False),
    "band": ("#eef2f8", "#eef2f8", 0, False),
    "band-over": ("#fdeeea", "#fdeeea", 0, False),
    "hire": ("#e3f4ea", "#17804a", 1, False),
    "open": ("#ffffff", "#1f5eff", 1.2, True),
    "rule": ("#dde2ea", "#dde2ea", 0, False),
}
LINK_COLOUR = "#9aa5b8"
SHAPED = ("hire", "open")  # rows drawn inside a shape of their own
SEATS = 6  # new hires (or open positions) a box lists one by one


@dataclass(frozen=True)
class Shape:
    kind: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the baseline
    text: str
    style: str


@dataclass(frozen=True)
class Placed:
    team: str
    x: float
    y: float
    width: float
    height: float
    over: bool
    shapes: tuple[Shape, ...]
    labels: tuple[Label, ...]
    tooltip: str


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    title: str
    header: tuple[Label | Shape, ...]
    boxes: tuple[Placed, ...]
    links: tuple[tuple[tuple[float, float], ...], ...]


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where Debian's fonts-dejavu put it, else Pillow's own font at the size."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    found = sorted(FONT_DIRECTORY.rglob(name)) if FONT_DIRECTORY.is_dir() else []
    if found:
        return ImageFont.truetype(str(found[0]), size)
    return ImageFont.load_default(size=size)


def text_width(text: str, style: str) -> float:
    size, bold, _ = STYLES[style]
    return float(font(size, bold).getlength(text))


def fitted(text: str, style: str, room: float) -> str:
    """The text, shortened with an ellipsis until it fits the room."""
    if text_width(text, style) <= room:
        return text
    while text and text_width(text + "…", style) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _rows(box: Box) -> list[tuple[str, str]]:
    """The box's entries as (style, text), after its title band."""
    rows = [("muted", f"Manager: {box.unit.manager}" if box.unit.manager else "No manager")]
    for person in box.people:
        leaves = f" (leaves {person.leaves:%Y-%m-%d})" if person.leaves else ""
        rows.append(("person", person.name + leaves))
    rows += [("hire", text) for text in _seats(box.new_hires, "new hire")]
    rows += [("open", text) for text in _seats(box.open_positions, "open position")]
    if box.leaf and not (box.people or box.new_hires or box.open_positions):
        rows.append(("muted", "No salespeople"))
    return rows


def _seats(positions: Sequence[Position], what: str) -> list[str]:
    """A row per position; past `SEATS` of them, one row per start month."""

    def label(q: Position) -> str:
        return q.hire_label if what == "new hire" else q.open_label

    if len(positions) <= SEATS:
        return [label(q) for q in positions]
    starts: dict[str, list[Position]] = {}
    for q in positions:
        starts.setdefault(q.start_id, []).append(q)
    return [
        label(group[0]) if len(group) == 1 else f"{len(group)} {what}s (start {start})"
        for start, group in starts.items()
    ]


def _footer(box: Box, limit: int) -> list[tuple[str, str]]:
    rows = []
    if box.people or box.new_hires:
        rows.append(("muted", f"Expected departures to date: {box.expected_departures:.2f}"))
    if box.span is not None:
        if box.warning:
            rows.append(("over", f"Direct reports: {box.span} (over {limit})"))
        elif box.note:
            rows.append(("under", f"Direct reports: {box.span} (under 2)"))
        else:
            rows.append(("muted", f"Direct reports: {box.span}"))
    return rows


def _height(style: str) -> float:
    return SHAPED_ROW if style in SHAPED else ROW


def box_width(found: Chart) -> float:
    """One width for every box of every month, so the chart keeps its shape month to month."""
    widest = 0.0
    for month in found.months:
        for box in month.boxes:
            widest = max(widest, text_width(box.unit.name, "team"))
            for style, text in [*_rows(box), *_footer(box, found.span)]:
                widest = max(
                    widest, text_width(text, style) + (2 * INSET if style in SHAPED else 0)
                )
    return min(MAX_WIDTH, max(MIN_WIDTH, widest + 2 * PADDING))


def box_height(box: Box, limit: int) -> float:
    rows = sum(_height(style) for style, _ in _rows(box))
    footer = _footer(box, limit)
    return BAND + 4 + rows + (RULE + ROW * len(footer) if footer else 0) + 8


def _place(box: Box, x: float, y: float, width: float, limit: int) -> Placed:
    over = box.warning is not None
    height = box_height(box, limit)
    shapes = [
        Shape("box-over" if over else "box", x, y, width, height),
        Shape("band-over" if over else "band", x + 1, y + 1, width - 2, BAND - 1),
    ]
    room = width - 2 * PADDING
    labels = [Label(x + PADDING, y + 18, fitted(box.unit.name, "team", room), "team")]
    row_y = y + BAND + 4
    for style, text in _rows(box):
        inset = INSET if style in SHAPED else 0
        if style in SHAPED:
            shapes.append(Shape(style, x + 5, row_y + 2, width - 10, 20))
        baseline = row_y + (16 if style in SHAPED else 14)
        text = fitted(text, style, room - 2 * inset)
        labels.append(Label(x + PADDING + inset, baseline, text, style))
        row_y += _height(style)
    footer = _footer(box, limit)
    if footer:
        shapes.append(Shape("rule", x + PADDING, row_y + 3, room, 1))
        row_y += RULE
    for style, text in footer:
        labels.append(Label(x + PADDING, row_y + 14, fitted(text, style, room), style))
        row_y += ROW
    tooltip = box.warning or box.note or f"{box.unit.name}: {len(box.people)} salespeople"
    return Placed(box.unit.name, x, y, width, height, over, tuple(shapes), tuple(labels), tooltip)


def _columns(month: MonthChart, width: float) -> list[float]:
    """Each box's left edge: leaves one column each in tree order, parents centred over their
    sub-teams."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents(month).items():
        children.setdefault(parent, []).append(child)
    centres: dict[int, float] = {}
    column = 0
    for index in range(len(month.boxes)):
        if index not in children:
            centres[index] = MARGIN + column * (width + GAP_X) + width / 2
            column += 1
    for index in reversed(range(len(month.boxes))):
        if index in children:
            below = [centres[c] for c in children[index]]
            centres[index] = (min(below) + max(below)) / 2
    return [centres[i] - width / 2 for i in range(len(month.boxes))]


def _parents(month: MonthChart) -> dict[int, int]:
    """Each box's parent box, by position: the boxes come parent first, with their depth."""
    found: dict[int, int] = {}
    stack: list[int] = []
    for index, box in enumerate(month.boxes):
        del stack[box.depth :]
        if stack:
            found[index] = stack[-1]
        stack.append(index)
    return found


def title(found: Chart, month: MonthChart, scenario: str) -> str:
    return f"{scenario}: organisation chart, {month_of(month.month):%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary(found: Chart, month: MonthChart) -> tuple[str, str]:
    """Two lines under the title: where the month is, and what it holds."""
    number = found.months.index(month) + 1
    people = sum(len(b.people) for b in month.boxes)
    hires = sum(len(b.new_hires) for b in month.boxes)
    positions = sum(len(b.open_positions) for b in month.boxes)
    expected = sum(b.expected_departures for b in month.boxes)
    scope = found.team or "The company"
    where = f"{scope} · month {number} of {len(found.months)} · span limit {found.span}"
    what = (
        f"{people} {'salesperson' if people == 1 else 'salespeople'}, "
        f"{_plural(hires, 'new hire')}, {_plural(positions, 'open position')} · "
        f"{expected:.2f} departures expected to date"
    )
    return where, what


def _legend(top: float) -> list[Label | Shape]:
    items: list[Label | Shape] = []
    x = float(MARGIN)
    for kind, style, text in (
        ("box", "person", "Salesperson"),
        ("hire", "hire", "New hire"),
        ("open", "open", "Open position"),
        ("box-over", "over", "Over the span limit"),
    ):
        items.append(Shape(kind, x, top, 18, 14))
        items.append(Label(x + 24, top + 12, text, style))
        x += 24 + text_width(text, style) + 18
    return items


def _header(found: Chart, month: MonthChart, scenario: str, width: float) -> list[Label | Shape]:
    room = width - 2 * MARGIN
    where, what = summary(found, month)
    return [
        Label(MARGIN, MARGIN + 16, fitted(title(found, month, scenario), "title", room), "title"),
        Label(MARGIN, MARGIN + 38, fitted(where, "subtitle", room), "subtitle"),
        Label(MARGIN, MARGIN + 56, fitted(what, "subtitle", room), "subtitle"),
        *_legend(MARGIN + 70),
    ]


def layout(found: Chart, month: MonthChart, scenario: str, titled: bool = True) -> Layout:
    """Where every box, row and line of the month's chart goes, in pixels. Untitled (for the
    web page, whose heading says it), only the legend is above the boxes."""
    width = box_width(found)
    lefts = _columns(month, width)
    depth_heights: dict[int, float] = {}
    for box in month.boxes:
        depth_heights[box.depth] = max(depth_heights.get(box.depth, 0), box_height(box, found.span))
    head = HEADER if titled else LEGEND
    tops = {0: float(MARGIN + head)}
    for depth in range(1, max(depth_heights, default=0) + 1):
        tops[depth] = tops[depth - 1] + depth_heights.get(depth - 1, 0) + GAP_Y
    placed = [
        _place(box, left, tops[box.depth], width, found.span)
        for box, left in zip(month.boxes, lefts, strict=True)
    ]
    links = [_link(placed[parent], placed[child]) for child, parent in _parents(month).items()]
    right = max((p.x + p.width for p in placed), default=0) + MARGIN
    bottom = max((p.y + p.height for p in placed), default=MARGIN + head) + MARGIN
    total = max(right, MIN_DRAWING)
    header = _header(found, month, scenario, total) if titled else _legend(MARGIN)
    return Layout(
        round(total),
        round(bottom),
        title(found, month, scenario),
        tuple(header),
        tuple(placed),
        tuple(links),
    )


def _link(above: Placed, below: Placed) -> tuple[tuple[float, float], ...]:
    """Down from the parent, along a bus above the sub-teams' row, down to the sub-team."""
    bus = below.y - GAP_Y / 2
    return (
        (above.x + above.width / 2, above.y + above.height),
        (above.x + above.width / 2, bus),
        (below.x + below.width / 2, bus),
        (below.x + below.width / 2, below.y),
    )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_shape(shape: Shape) -> str:
    fill, stroke, stroke_width, dashed = SHAPES[shape.kind]
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    radius = 6 if shape.kind.startswith("box") else 3
    return (
        f'<rect x="{_number(shape.x)}" y="{_number(shape.y)}" width="{_number(shape.width)}" '
        f'height="{_number(shape.height)}" rx="{radius}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{_number(stroke_width)}"{dash}/>'
    )


def _svg_label(label: Label) -> str:
    size, bold, colour = STYLES[label.style]
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_number(label.x)}" y="{_number(label.y)}" font-size="{size}"{weight} '
        f'fill="{colour}">{escape(label.text)}</text>'
    )


def svg(drawn: Layout, scale: float = 1.0) -> str:
    """The chart as an SVG element; every text from the data is escaped."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="org-chart" role="img" '
        f'viewBox="0 0 {drawn.width} {drawn.height}" width="{_number(drawn.width * scale)}" '
        f'height="{_number(drawn.height * scale)}" font-family="{FONT_FAMILY}">',
        f"<title>{escape(drawn.title)}</title>",
        f'<rect width="{drawn.width}" height="{drawn.height}" fill="#ffffff"/>',
    ]
    for item in drawn.header:
        parts.append(_svg_label(item) if isinstance(item, Label) else _svg_shape(item))
    for link in drawn.links:
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in link)
        parts.append(
            f'<polyline class="org-link" points="{points}" fill="none" '
            f'stroke="{LINK_COLOUR}" stroke-width="1.5"/>'
        )
    for box in drawn.boxes:
        over = ' data-over="true"' if box.over else ""
        parts.append(f'<g class="org-box" data-team={quoteattr(box.team)}{over}>')
        parts.append(f"<title>{escape(box.tooltip)}</title>")
        parts += [_svg_shape(s) for s in box.shapes]
        parts += [_svg_label(label) for label in box.labels]
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _dashed(draw: ImageDraw.ImageDraw, box: tuple[float, ...], colour: str, width: int) -> None:
    """A dashed rectangle (Pillow draws no dashes): 5 on, 3 off, scaled with the line."""
    left, top, right, bottom = box
    on, off = 5 * width, 3 * width
    for start, end, fixed, horizontal in (
        (left, right, top, True),
        (left, right, bottom, True),
        (top, bottom, left, False),
        (top, bottom, right, False),
    ):
        at = start
        while at < end:
            stop = min(at + on, end)
            segment = (at, fixed, stop, fixed) if horizontal else (fixed, at, fixed, stop)
            draw.line(segment, fill=colour, width=width)
            at = stop + off


def _png_shape(draw: ImageDraw.ImageDraw, shape: Shape, scale: float) -> None:
    fill, stroke, stroke_width, dashed = SHAPES[shape.kind]
    box = (
        shape.x * scale,
        shape.y * scale,
        (shape.x + shape.width) * scale,
        (shape.y + shape.height) * scale,
    )
    radius = (6 if shape.kind.startswith("box") else 3) * scale
    line = max(1, round(stroke_width * scale)) if stroke_width else 0
    if dashed:
        draw.rectangle(box, fill=fill)
        _dashed(draw, box, stroke, line)
    else:
        draw.rounded_rectangle(box, radius, fill=fill, outline=stroke if line else None, width=line)


def _png_label(draw: ImageDraw.ImageDraw, label: Label, scale: float) -> None:
    size, bold, colour = STYLES[label.style]
    typeface = font(round(size * scale), bold)
    draw.text(
        (label.x * scale, label.y * scale), label.text, font=typeface, fill=colour, anchor="ls"
    )


def png(drawn: Layout, scale: float = 2.0) -> bytes:
    """The chart as a PNG, `scale` pixels per layout pixel (2: sharp on a laptop's screen)."""
    image = Image.new("RGB", (round(drawn.width * scale), round(drawn.height * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)
    for item in drawn.header:
        if isinstance(item, Label):
            _png_label(draw, item, scale)
        else:
            _png_shape(draw, item, scale)
    for link in drawn.links:
        draw.line(
            [(x * scale, y * scale) for x, y in link], fill=LINK_COLOUR, width=round(1.5 * scale)
        )
    for box in drawn.boxes:
        for shape in box.shapes:
            _png_shape(draw, shape, scale)
        for label in box.labels:
            _png_label(draw, label, scale)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


PDF_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title><style>
@page {{ size: A4 landscape; margin: 10mm; }}
body {{ margin: 0; font-family: {family}; }}
section + section {{ break-before: page; }}
</style></head><body>{pages}</body></html>"""


def pdf(drawn: Sequence[Layout]) -> bytes:
    """The charts as a PDF, one A4 landscape page each, each chart shrunk to fit its page."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pages = "".join(
        f"<section>{svg(d, min(1.0, PAGE_WIDTH / d.width, PAGE_HEIGHT / d.height))}</section>"
        for d in drawn
    )
    title = escape(drawn[0].title) if drawn else "Organisation chart"
    document = PDF_PAGE.format(title=title, family=FONT_FAMILY, pages=pages)
    return bytes(HTML(string=document).write_pdf())
