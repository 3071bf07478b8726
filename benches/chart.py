#!/usr/bin/env python3
"""Draws the fib(30) bar chart (docs/fib30.svg) from the table benches/compare.sh prints.

Usage: benches/compare.sh | benches/chart.py "caption" > docs/fib30.svg

Reads the first Markdown table on stdin whose header starts with "| program |" and draws
one bar per row, the first (svm) in blue, scaled to the slowest. Plain SVG, no
dependencies.
"""
import html
import sys


def rows(lines):
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


def svg(data, caption):
    width, left, bar_max, top, step = 640, 150, 400, 43, 34
    height = top + step * len(data) + 27
    slowest = max(s for _, s in data)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{width // 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">'
        "fib(30), recursive: median wall time (s), interleaved rounds</text>",
    ]
    for i, (name, seconds) in enumerate(data):
        y = top + step * i
        w = max(1, round(bar_max * seconds / slowest))
        color = "#1f6feb" if i == 0 else "#8b949e"
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{html.escape(short(name), quote=False)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{w}" height="22" fill="{color}"/>')
        out.append(f'<text x="{left + w + 6}" y="{y + 16}">{seconds:.4f}</text>')
    out.append(
        f'<text x="{width // 2}" y="{height - 8}" text-anchor="middle" font-size="11" '
        f'fill="#555">{html.escape(caption, quote=False)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    caption = sys.argv[1] if len(sys.argv) > 1 else "benches/compare.sh"
    data = rows(sys.stdin.read().splitlines())
    if not data:
        sys.exit("chart.py: no '| program |' table on stdin")
    sys.stdout.write(svg(data, caption))


if __name__ == "__main__":
    main()
