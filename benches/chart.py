#!/usr/bin/env python3
"""Draws a chart of benches/compare.sh's figures as plain SVG (no dependencies).

Usage: benches/chart.py "caption" < target/compare/suite.csv > docs/suite.svg
       benches/compare.sh | benches/chart.py "caption" > docs/fib30.svg

Given the suite's CSV (what compare.sh writes to target/compare/suite.csv), it draws
svm's ratios to gforth-fast and to lua5.4 for every workload and their geometric means:
a pair of bars per workload, against a line at 1 (as fast; to its right svm is slower).
Given compare.sh's Markdown output, it draws the fib(30) table (the first table whose
header starts with "| program |"): one bar per program, the first (svm) in blue, scaled
to the slowest.
"""
import csv
import html
import math
import sys

GFORTH, LUA = "#1f6feb", "#d29922"


def text(x, y, s, anchor="start", **attrs):
    """An SVG text element."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}"{extra}>{html.escape(s, quote=False)}</text>'


def framed(width, height, title, body, caption):
    """A whole SVG document: a white background, the title at the top, the body, the
    caption at the bottom."""
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            text(width // 2, 22, title, "middle", font_size=15, font_weight="bold"),
            *body,
            text(width // 2, height - 9, caption, "middle", font_size=11, fill="#555"),
            "</svg>",
        ]
    ) + "\n"


def suite_rows(lines):
    """The (workload, args, svm/gforth-fast, svm/lua5.4) rows of the suite's CSV; a
    ratio is None when that implementation was left out."""

    def ratio(cell):
        return float(cell) if cell else None

    return [
        (r["workload"], r["args"], ratio(r["svm/gforth-fast"]), ratio(r["svm/lua5.4"]))
        for r in csv.DictReader(lines)
    ]


def geometric_mean(values):
    """The geometric mean of the values that are not None, or None if there are none."""
    present = [v for v in values if v is not None]
    return math.exp(sum(map(math.log, present)) / len(present)) if present else None


def suite_svg(rows, caption):
    """The chart of the suite's ratios, with a last pair of bars for their geometric means."""
    groups = rows + [
        (
            "geometric mean",
            "",
            geometric_mean([r[2] for r in rows]),
            geometric_mean([r[3] for r in rows]),
        )
    ]
    width, left, plot, top, bar, step = 720, 190, 470, 70, 13, 38
    height = top + step * len(groups) + 50
    biggest = max([v for _, _, g, l in groups for v in (g, l) if v is not None] + [1.0])
    scale_max = math.ceil(biggest * 2 + 0.2) / 2  # room for the figure after the longest bar
    x_of = lambda v: left + plot * v / scale_max  # noqa: E731
    out = [
        f'<rect x="{left}" y="36" width="12" height="12" fill="{GFORTH}"/>',
        text(left + 18, 47, "svm / gforth-fast"),
        f'<rect x="{left + 160}" y="36" width="12" height="12" fill="{LUA}"/>',
        text(left + 178, 47, "svm / lua5.4"),
    ]
    bottom = top + step * len(groups)
    tick = 0.0
    while tick <= scale_max + 1e-9:
        x = round(x_of(tick), 1)
        stroke = "#555" if tick == 1.0 else "#ddd"
        out.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{bottom}" stroke="{stroke}"/>')
        out.append(text(x, bottom + 16, f"{tick:g}", "middle", fill="#555", font_size=11))
        tick += 0.5
    for i, (name, args, gforth, lua) in enumerate(groups):
        y = top + step * i
        label = f"{name} {args}".strip()
        weight = {"font_weight": "bold"} if name == "geometric mean" else {}
        out.append(text(left - 8, y + bar + 4, label, "end", **weight))
        for k, (value, color) in enumerate([(gforth, GFORTH), (lua, LUA)]):
            yy = y + k * bar
            if value is None:
                out.append(text(left + 4, yy + bar - 2, "not measured", fill="#555", font_size=11))
                continue
            w = max(1, round(x_of(value) - left))
            out.append(f'<rect x="{left}" y="{yy}" width="{w}" height="{bar - 1}" fill="{color}"/>')
            out.append(text(left + w + 5, yy + bar - 2, f"{value:.2f}", font_size=11))
    title = "svm's time over gforth-fast's and lua5.4's (above 1, svm is slower)"
    return framed(width, height, title, out, caption)


def fib_rows(lines):
    """The (name, seconds) rows of the first program table in `lines`."""
    found, out = False, []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not found:
            found = line.startswith("| program |")
            continue
        if not line.startswith("|"):
            break
        if set(cells[0]) <= set("- "):
            continue
        out.append((cells[0], float(cells[1])))
    return out


def short(name):
    """A short label: the program's name without its details in parentheses."""
    name = name.split(" (")[0]
    return {"svm examples/fib 30": "svm (seed's fib)", "native Rust, rustc -O": "native Rust"}.get(
        name, name
    )


def fib_svg(data, caption):
    """The bar chart of the fib(30) table."""
    width, left, bar_max, top, step = 640, 150, 400, 43, 34
    height = top + step * len(data) + 27
    slowest = max(s for _, s in data)
    out = []
    for i, (name, seconds) in enumerate(data):
        y = top + step * i
        w = max(1, round(bar_max * seconds / slowest))
        color = "#1f6feb" if i == 0 else "#8b949e"
        out.append(text(left - 8, y + 14, short(name), "end"))
        out.append(f'<rect x="{left}" y="{y}" width="{w}" height="22" fill="{color}"/>')
        out.append(text(left + w + 6, y + 16, f"{seconds:.4f}"))
    title = "fib(30), recursive: median time (s), interleaved rounds"
    return framed(width, height, title, out, caption)


def main():
    caption = sys.argv[1] if len(sys.argv) > 1 else "benches/compare.sh"
    lines = sys.stdin.read().splitlines()
    if lines and lines[0].startswith("workload,"):
        rows = suite_rows(lines)
        if not rows:
            sys.exit("chart.py: the CSV has no workload")
        sys.stdout.write(suite_svg(rows, caption))
        return
    data = fib_rows(lines)
    if not data:
        sys.exit("chart.py: neither the suite's CSV nor a '| program |' table on stdin")
    sys.stdout.write(fib_svg(data, caption))


if __name__ == "__main__":
    main()
