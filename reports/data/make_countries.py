"""Rebuild ``countries.json`` from Natural Earth 1:110m as carried by the npm package ``world-atlas``.

    npm pack world-atlas && tar xzf world-atlas-*.tgz
    python reports/data/make_countries.py package/countries-110m.json > reports/data/countries.json

TopoJSON arcs are decoded (quantized, delta-encoded), each country's rings are
rebuilt, coordinates rounded to 0.1 degree, and countries keyed by ISO 3166
alpha-3 (world-atlas uses ISO numeric ids; pycountry maps them). Kosovo and
Northern Cyprus, which have no ISO numeric id, keep their Natural Earth names.
"""

from __future__ import annotations

import json
import sys

import pycountry

EXTRA = {"Kosovo": "XKX", "N. Cyprus": "CYN", "Somaliland": "SOL"}


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[list[float]]:
    pts: list = []
    for i in indexes:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    if any(abs(a[0] - b[0]) > 180 for a, b in zip(pts, pts[1:])):  # crosses the date line (Chukotka, Fiji)
        pts = [(x + 360 if x < 0 else x, y) for x, y in pts]
    out: list[list[float]] = []
    for x, y in pts:
        p = [round(x, 1), round(y, 1)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def main(path: str) -> None:
    topo = json.load(open(path, encoding="utf-8"))
    arcs = decode_arcs(topo)
    out: dict[str, list] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom.get("properties", {}).get("name", "")
        country = pycountry.countries.get(numeric=geom["id"]) if "id" in geom else None
        code = country.alpha_3 if country else EXTRA.get(name)
        if not code or geom.get("type") is None:
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [ring(arcs, poly[0]) for poly in polys]  # outer rings only: holes are lakes at this scale
        out.setdefault(code, []).extend(r for r in rings if len(r) >= 4)
    json.dump({"source": "Natural Earth 1:110m countries (public domain), via the npm package world-atlas 2.0.2",
               "countries": dict(sorted(out.items()))}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
