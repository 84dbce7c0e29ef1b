#!/usr/bin/env python3
"""report.py - the benchmark harness's report (tests/bench/README.md).

Reads the JSON Lines the parts appended (one row each), checks every row
against the contract and every expected id of the sections that ran
(rows.txt), prints the table (metric, snic, reference, ratio; the metric's description
and conditions wrapped beneath each row)
and writes the JSON document.  Exit status: 0 when every expected row is
there and well formed, 1 otherwise (each problem named on stderr).

usage: report.py ROWS.jsonl ROWS_TXT SECTIONS JSON_OUT META_JSON
  SECTIONS   comma-separated sections that were run
  META_JSON  a JSON object describing the run (date, machine, build, mode)
"""
import json
import math
import sys
import textwrap

FIELDS = {"id": str, "section": str, "metric": str, "unit": str,
          "ref_name": str, "better": str, "conditions": str}


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 0.1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def check(row, where):
    errs = []
    for k, t in FIELDS.items():
        if not isinstance(row.get(k), t) or not row.get(k):
            errs.append(f"{where}: field '{k}' missing or not a non-empty {t.__name__}")
    if not num(row.get("snic")):
        errs.append(f"{where}: 'snic' is not a finite number ({row.get('snic')!r})")
    for k in ("ref", "ratio"):
        if row.get(k) is not None and not num(row[k]):
            errs.append(f"{where}: '{k}' is neither null nor a finite number ({row[k]!r})")
    if row.get("better") not in ("higher", "lower"):
        errs.append(f"{where}: 'better' must be \"higher\" or \"lower\"")
    if num(row.get("ref")) != num(row.get("ratio")):
        errs.append(f"{where}: 'ref' and 'ratio' must both be numbers or both null")
    if num(row.get("snic")) and num(row.get("ref")) and row["ref"] != 0 and num(row.get("ratio")):
        want = row["snic"] / row["ref"]
        if abs(row["ratio"] - want) > 1e-3 * max(1.0, abs(want)):
            errs.append(f"{where}: ratio {row['ratio']} is not snic/ref = {want:.4g}")
    return errs


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    rows_path, manifest, sections, out, meta = argv[1:]
    ran = [s for s in sections.split(",") if s]
    expected = []
    with open(manifest) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if len(line) == 2 and line[0] in ran:
                expected.append(tuple(line))
    errs, rows, seen = [], [], {}
    try:
        with open(rows_path) as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{rows_path}:{n}"
                try:
                    row = json.loads(line)
                except ValueError as e:
                    errs.append(f"{where}: not JSON: {e}")
                    continue
                if not isinstance(row, dict):
                    errs.append(f"{where}: not a JSON object")
                    continue
                e = check(row, where)
                errs += e
                if e:
                    continue
                if row["id"] in seen:
                    errs.append(f"{where}: row {row['id']} produced twice")
                    continue
                seen[row["id"]] = row
                rows.append(row)
    except FileNotFoundError:
        pass
    missing = [i for s, i in expected if i not in seen]
    for i in missing:
        errs.append(f"row {i} was not produced (its part failed or left it out)")
    order = {i: k for k, (_, i) in enumerate(expected)}
    rows.sort(key=lambda r: order.get(r["id"], len(order)))

    # the table: one line per row, its conditions wrapped beneath it
    head = ("metric", "snic", "reference", "ratio (snic/ref)")
    table = []
    for r in rows:
        ref = "-" if r.get("ref") is None else f"{fmt(r['ref'])} {r['unit']} ({r['ref_name']})"
        ratio = "-" if r.get("ratio") is None else \
            f"{r['ratio']:.3g}x, {r['better']} is better"
        table.append(((r["id"], f"{fmt(r['snic'])} {r['unit']}", ref, ratio), r))
    w = [max([len(h)] + [len(t[0][k]) for t in table]) for k, h in enumerate(head)]
    line = "  ".join(h.ljust(w[k]) for k, h in enumerate(head))
    print(line)
    print("-" * len(line))
    section = None
    for cells, r in table:
        if section is not None and r["section"] != section:
            print()
        section = r["section"]
        print("  ".join(c.ljust(w[k]) for k, c in enumerate(cells)).rstrip())
        for l in textwrap.wrap(f"{r['metric']}; {r['conditions']}", width=max(60, len(line) - 4)):
            print("    " + l)

    doc = {"run": json.loads(meta), "sections": ran, "rows": rows,
           "missing": missing, "complete": not errs}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"\n{len(rows)} rows ({len(expected)} expected for {', '.join(ran)}); JSON: {out}")
    for e in errs:
        print(f"bench: {e}", file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
