"""The network drawn at its coordinates, each leg shaded by the trips a scenario sent over it.

Sites within :data:`LOCAL_KM` of the network's median point are drawn to scale; farther sites
(an overseas hub, a border port) sit on the frame in their compass direction, with their
distance, and their legs are dashed.
"""

from __future__ import annotations

import math

from clearsim.flows.report.figures import NetworkMap, NetworkSite
from clearsim.flows.report.svg import element, esc, heat_colour, number, open_svg, text_width

LOCAL_KM = 300.0
WIDTH, HEIGHT, MARGIN = 640, 440, 56
KIND_COLOURS = {
    "sea_port": "#1f78b4",
    "river_port": "#1f78b4",
    "airport": "#6a3d9a",
    "rail_terminal": "#b15928",
    "border_port": "#b15928",
    "bonded_zone": "#33a02c",
    "inspection_area": "#e31a1c",
    "supervision_centre": "#e31a1c",
    "distribution_centre": "#ff7f00",
    "overseas_hub": "#777777",
}


def _km(a: NetworkSite, lat: float, lon: float) -> float:
    """Great-circle distance (haversine, R = 6,371 km)."""
    p1, p2 = math.radians(a.lat), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _positions(sites: tuple[NetworkSite, ...]) -> dict[str, tuple[float, float, bool]]:
    """Pixel position of every site and whether it is drawn to scale."""
    lats = sorted(s.lat for s in sites)
    lons = sorted(s.lon for s in sites)
    lat0, lon0 = lats[len(lats) // 2], lons[len(lons) // 2]
    local = [s for s in sites if _km(s, lat0, lon0) <= LOCAL_KM] or list(sites)
    k = math.cos(math.radians(lat0))
    xs = [(s.lon - lon0) * k for s in local]
    ys = [s.lat - lat0 for s in local]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    inner_w, inner_h = WIDTH - 2 * MARGIN - 40, HEIGHT - 2 * MARGIN - 20
    scale = min(
        inner_w / max(max(xs) - min(xs), span * 0.2), inner_h / max(max(ys) - min(ys), span * 0.2)
    )
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    found: dict[str, tuple[float, float, bool]] = {}
    for s in sites:
        x = WIDTH / 2 + ((s.lon - lon0) * k - cx) * scale
        y = HEIGHT / 2 - ((s.lat - lat0) - cy) * scale
        if s in local:
            found[s.name] = (x, y, True)
            continue
        # On the frame, in the site's direction from the centre.
        dx, dy = x - WIDTH / 2, y - HEIGHT / 2
        t = min(
            (WIDTH / 2 - 18) / abs(dx) if dx else math.inf,
            (HEIGHT / 2 - 18) / abs(dy) if dy else math.inf,
        )
        found[s.name] = (WIDTH / 2 + dx * t, HEIGHT / 2 + dy * t, False)
    return found


def network_chart(network: NetworkMap, scenario: str) -> str:
    """The map of one scenario's trips per day."""
    trips = dict(network.trips_per_day)[scenario]
    busiest = max(trips.values(), default=0.0) or 1.0
    at = _positions(network.sites)
    lats = sorted(s.lat for s in network.sites)
    lons = sorted(s.lon for s in network.sites)
    centre = (lats[len(lats) // 2], lons[len(lons) // 2])
    parts = [open_svg(WIDTH, HEIGHT, f"Network of {scenario}: trips per day on each leg")]
    parts.append(
        element(
            "rect", x=0.5, y=0.5, width=WIDTH - 1, height=HEIGHT - 1, fill="#fbfbf8", stroke="#ccc"
        )
    )
    drawn: set[tuple[str, str]] = set()
    segments: list[tuple[float, float, float, float]] = []
    for source, target, mode in network.legs:
        key = (min(source, target), max(source, target))
        if key in drawn:
            continue
        drawn.add(key)
        value = trips.get(key, 0.0)
        (x1, y1, l1), (x2, y2, l2) = at[source], at[target]
        segments.append((x1, y1, x2, y2))
        # Square-root scale: a feeder or a train (a few trips a day, many boxes each) stays
        # visible beside the road legs' hundreds of truck trips.
        share = math.sqrt(value / busiest)
        width = 1.5 + 6.5 * share if value > 0 else 1.0
        stroke = heat_colour(0.25 + 0.75 * share) if value > 0 else "#c8c8c8"
        title = f"{source} - {target} ({mode}): {number(value, 1)} trips a day"
        parts.append(
            element(
                "line",
                f"<title>{esc(title)}</title>",
                class_="mark",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                stroke=stroke,
                stroke_width=f"{width:.2f}",
                stroke_linecap="round",
                stroke_dasharray=None if l1 and l2 else "6 4",
            )
        )
    boxes: list[Box] = [(x - 5.0, y - 5.0, x + 5.0, y + 5.0) for x, y, _ in at.values()]
    for site in network.sites:
        x, y, to_scale = at[site.name]
        fill = KIND_COLOURS.get(site.kind, "#555")
        title = f"{site.name} {site.name_zh} ({site.kind.replace('_', ' ')})".replace("  ", " ")
        if to_scale:
            tip = f"<title>{esc(title)}</title>"
            parts.append(
                element("circle", tip, class_="mark", cx=x, cy=y, r=5, fill=fill, stroke="#fff")
            )
            label = site.name
        else:
            tip = f"<title>{esc(title)}</title>"
            box = {"x": x - 5, "y": y - 5, "width": 10, "height": 10, "fill": "#fff"}
            parts.append(element("rect", tip, class_="mark", stroke=fill, stroke_width=2, **box))
            label = f"{site.name} ({_km(site, *centre):,.0f} km)"
        parts.append(_label(label, x, y, boxes, segments))
    parts.append(
        f'<text x="10" y="{HEIGHT - 10}" fill="#555">line width and colour: trips a day, '
        f"square-root scale (busiest {number(busiest, 1)}); dashed: a far site, on the frame"
        "</text></svg>"
    )
    return "".join(parts)


RINGS = (8.0, 20.0, 34.0, 50.0, 70.0, 95.0)
DIRECTIONS = (0, -30, 30, -60, 60, 180, 150, -150, 90, -90, 120, -120)
"""Angles (degrees, 0 = right, positive = down) tried for a label around its point."""


Box = tuple[float, float, float, float]


def _label(text: str, x: float, y: float, boxes: list[Box], legs: list[Box]) -> str:
    """A label beside its point, clear of the sites, the labels placed before and the legs.

    The first place that crosses nothing wins (a leader line if it is far); failing that, the
    first that crosses no site or label. A halo keeps a label readable over a leg.
    """
    width = text_width(text)
    best: tuple[float, float, float] | None = None
    fallback: tuple[float, float, float] | None = None
    for ring in RINGS:
        for angle in DIRECTIONS:
            dx = ring * math.cos(math.radians(angle))
            dy = ring * math.sin(math.radians(angle))
            left = x + dx if dx >= 0 else x + dx - width
            left = min(max(left, 4.0), WIDTH - width - 4.0)
            base = min(max(y + dy + 4.0, 14.0), HEIGHT - 20.0)
            box = (left, base - 10.0, left + width, base + 2.0)
            if any(_overlap(box, other) for other in boxes):
                continue
            if fallback is None:
                fallback = (left, base, ring)
            if not any(_crosses(leg, box) for leg in legs):
                best = (left, base, ring)
                break
        if best is not None:
            break
    best = best or fallback or (min(x + 8.0, WIDTH - width - 4.0), y + 4.0, RINGS[0])
    left, base, ring = best
    boxes.append((left, base - 10.0, left + width, base + 2.0))
    leader = ""
    if ring > RINGS[0]:
        anchor_x = min(max(x, left), left + width)  # the nearest point of the label
        leader = (
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{anchor_x:.1f}" y2="{base - 4:.1f}" '
            'stroke="#999" stroke-width="0.7"/>'
        )
    return (
        f'{leader}<text x="{left:.1f}" y="{base:.1f}" fill="#222" stroke="#fbfbf8" '
        f'stroke-width="3" paint-order="stroke">{esc(text)}</text>'
    )


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(leg: Box, box: Box) -> bool:
    """Whether the segment ``leg`` (x1, y1, x2, y2) passes through ``box`` (Liang-Barsky)."""
    x1, y1, x2, y2 = leg
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True
