"""Rebuild ``regions.json``: the UN M49 region and sub-region of every country, keyed by ISO 3166 alpha-3.

    pip download hdx-python-country==4.2.5 --no-deps && unzip hdx_python_country-4.2.5-py3-none-any.whl
    python reports/data/make_regions.py "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv" \
        > reports/data/regions.json

The UN Statistics Division's M49 regions ("Region Name", "Sub-region Name") are read from the Countries &
Territories Taxonomy that hdx-python-country (MIT) ships. A state M49 does not list (a former state of the
Correlates of War or ATOP lists, or one without an ISO code) takes the region of the territory it stood on,
named by its successor's code in ``SUCCESSOR`` below.
"""

from __future__ import annotations

import csv
import json
import sys

#: States M49 does not list → the ISO code of the territory's present state (whose M49 region they take).
SUCCESSOR = {
    # German states of the 19th century, the two German states of 1949-1990
    "XHA": "DEU", "XBA": "DEU", "XBD": "DEU", "XSA": "DEU", "XWR": "DEU", "XHS": "DEU", "XHG": "DEU", "XME": "DEU",
    "XGF": "DEU", "DDR": "DEU",
    "XAU": "AUT", "CSK": "CZE",
    # Italian states before 1861
    "XPA": "ITA", "XSI": "ITA", "XMO": "ITA", "XPM": "ITA", "XTU": "ITA",
    "XKX": "SRB", "XZA": "TZA", "XYA": "YEM", "YMD": "YEM", "XKO": "KOR", "XRV": "VNM", "XAN": "VNM",
    # Natural Earth's shapes without an ISO code
    "CYN": "CYP", "SOL": "SOM",
}


def main(path: str) -> None:
    regions: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, region = row["ISO 3166-1 Alpha 3-Codes"], row["Region Name"]
            if code and region:  # Antarctica has no M49 region
                regions[code] = [region, row["Sub-region Name"]]
    for code, successor in SUCCESSOR.items():
        regions[code] = regions[successor]
    json.dump({"source": "UN M49 regions and sub-regions, from the Countries & Territories Taxonomy shipped in "
                         "hdx-python-country 4.2.5 (MIT); former states take their successor's (make_regions.py)",
               "regions": dict(sorted(regions.items()))}, sys.stdout, separators=(",", ":"), ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
