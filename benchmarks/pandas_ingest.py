#!/usr/bin/env python3
"""pandas baseline for `seglab-bench ingest`: read the transactions CSV and aggregate the
SPEC §5 customer features with the default cleaning, using read_csv and groupby.

    python3 benchmarks/pandas_ingest.py [PATH] [--runs N]

Default PATH: ../shared/data/online_retail/transactions.csv (run from the repository root).
Prints every run and the median wall time. The mapping (Online Retail or CDNOW) is chosen
from the header, as the Swift benchmark does.
"""
import argparse
import statistics
import time

import numpy as np
import pandas as pd


def mapping(path):
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline()
    if "InvoiceNo" in header:
        return dict(customer="CustomerID", date="InvoiceDate", quantity="Quantity", unit_price="UnitPrice",
                    amount=None, invoice="InvoiceNo", product="StockCode", as_of="2011-12-10")
    return dict(customer="customer_id", date="date", quantity="quantity", unit_price=None,
                amount="amount", invoice=None, product=None, as_of=None)


def ingest(path, m):
    # Text columns as str (ids keep their exact text); numbers parsed by read_csv's C parser.
    text = {c: str for c in (m["customer"], m["invoice"], m["product"]) if c}
    df = pd.read_csv(path, dtype=text, keep_default_na=False)
    day = pd.to_datetime(df[m["date"]], format="ISO8601").dt.normalize()  # checks every row
    qty = df[m["quantity"]].astype(float)
    value = qty * df[m["unit_price"]] if m["unit_price"] else df[m["amount"]].astype(float)
    is_return = qty < 0
    if m["invoice"]:
        is_return |= df[m["invoice"]].str.startswith("C")
    if m["amount"]:
        is_return |= value < 0
    non_positive = ~is_return & ((value <= 0) | ((df[m["unit_price"]] <= 0) if m["unit_price"] else False))

    keep = df[m["customer"]] != ""
    keep &= ~df.duplicated(keep="first")
    keep &= ~non_positive
    t = pd.DataFrame({"customer": df[m["customer"]], "day": day, "value": value, "is_return": is_return,
                      "invoice": df[m["invoice"]] if m["invoice"] else np.arange(len(df)),
                      "product": df[m["product"]] if m["product"] else 0})[keep]

    purchases = t[~t["is_return"]]
    g = purchases.groupby("customer", sort=False)
    last, first = g["day"].max(), g["day"].min()
    as_of = pd.Timestamp(m["as_of"]) if m["as_of"] else last.max() + pd.Timedelta(days=1)
    out = pd.DataFrame({
        "recency_days": (as_of - last).dt.days,
        "frequency": g["invoice"].nunique(),
        "monetary": g["value"].sum(),
        "tenure_days": (as_of - first).dt.days,
    })
    out["avg_basket"] = out["monetary"] / out["frequency"]
    out["distinct_products"] = g["product"].nunique() if m["product"] else 0
    returns = t[t["is_return"]]
    returned = returns["value"].abs().groupby(returns["customer"]).sum()
    out["return_rate"] = returned.reindex(out.index, fill_value=0.0) / out["monetary"]
    days = g["day"].nunique()
    out["days_between_orders"] = np.where(days > 1, (last - first).dt.days / (days - 1).clip(lower=1), 0.0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default="../shared/data/online_retail/transactions.csv")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    m = mapping(args.path)
    seconds = []
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        out = ingest(args.path, m)
        seconds.append(time.perf_counter() - start)
        print(f"run {run}: {seconds[-1]:.4f} s")
    print(f"pandas {pd.__version__} ingest {args.path}: {len(out)} customers; "
          f"median {statistics.median(seconds):.4f} s of {args.runs} runs")


if __name__ == "__main__":
    main()
