"""Write the tables of docs/hazards.md from a backtest's JSON (`orgsim backtest ... --rolling --format json`).

    python tools/hazards_doc.py backtest.json > tables.md
"""

from __future__ import annotations

import json
import sys

COLUMNS = ["model", "rows", "changes", "log_loss", "brier", "reliability", "resolution", "uncertainty", "auc"]


def _cell(value: object, column: str) -> str:
    if isinstance(value, float):
        return f"{value:.6f}" if abs(value) >= 0.001 or value == 0 else f"{value:.1e}"
    return f"{value:,}" if isinstance(value, int) and column in ("rows", "changes") else str(value)


def table(rows: list[dict], columns: list[str]) -> str:
    """A Markdown table; the fitted model's row in bold."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        cells = [_cell(r[c], c) for c in columns]
        if r.get("model") == "fitted":
            cells = [f"**{c}**" for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(path: str) -> None:
    """Print every table of the doc."""
    d = json.load(open(path, encoding="utf-8"))
    for group in ("all", "accession", "readmission", "exit"):
        print(f"\n**{group}** rows:\n")
        print(table([r for r in d["scores"] if r["rows_of"] == group], COLUMNS))
    if d.get("rolling"):
        print("\n**Rolling origin** (all rows; each cut predicts the ten years after it):\n")
        print(table([r for r in d["rolling"] if r["rows_of"] == "all"],
                    ["cut", "model", "rows", "changes", "log_loss", "brier", "auc"]))
    print("\n**Coefficients** of the fitted model (fit until the cut; standard errors clustered by organization):\n")
    print(table(d["coefficients"], ["kind", "term", "coef", "se", "p", "low", "high"]))


if __name__ == "__main__":
    main(sys.argv[1])
