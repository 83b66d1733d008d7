#!/usr/bin/env python3
"""Expected SPEC §5 customer features for the real transaction logs, computed independently
with pandas (groupby), for DataTests/TransactionFeaturesTests.swift.

Writes expected_features.json beside this script: per data set, the data file's SHA-256,
the row counts of each default cleaning step, the number of customers, the first 20
customer ids in output order, and every feature of >= 12 chosen customers (the first ones,
edge cases, and a seeded random sample). It stores only these numbers, never the data.

    python3 make_feature_fixtures.py [--shared ../../../../shared]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))

DATASETS = {
    "online_retail": dict(path="data/online_retail/transactions.csv", customer="CustomerID",
                          date="InvoiceDate", quantity="Quantity", unit_price="UnitPrice",
                          amount=None, invoice="InvoiceNo", product="StockCode", as_of="2011-12-10"),
    "cdnow": dict(path="data/cdnow/transactions.csv", customer="customer_id", date="date",
                  quantity="quantity", unit_price=None, amount="amount", invoice=None,
                  product=None, as_of=None),
}

FEATURES = ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket",
            "distinct_products", "return_rate", "days_between_orders"]


def features(path, m):
    # Every column as text, empty cells kept as "" (only an empty customer id is missing).
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    steps = {"read": len(raw)}
    df = raw[raw[m["customer"]] != ""]
    steps["missing customer id"] = len(df)
    df = df[~df.duplicated(keep="first")]  # exact duplicates over every column
    steps["duplicates"] = len(df)

    qty = pd.to_numeric(df[m["quantity"]], errors="raise")
    if m["unit_price"]:
        price = pd.to_numeric(df[m["unit_price"]], errors="raise")
        value = qty * price
    else:
        amount = pd.to_numeric(df[m["amount"]], errors="raise")
        value = amount
    is_return = qty < 0
    if m["invoice"]:
        is_return |= df[m["invoice"]].str.startswith("C")
    if m["amount"]:
        is_return |= amount < 0
    bad = ~is_return & ((value <= 0) | ((price <= 0) if m["unit_price"] else False))
    keep = ~bad
    df, value, is_return = df[keep], value[keep], is_return[keep]
    steps["non-positive price"] = len(df)

    day = pd.to_datetime(df[m["date"]], format="ISO8601").dt.normalize()
    t = pd.DataFrame({
        "customer": df[m["customer"]].values,
        "day": day.values,
        "value": value.values,
        "is_return": is_return.values,
        "invoice": (df[m["invoice"]].values if m["invoice"] else np.arange(len(df))),
        "product": (df[m["product"]].values if m["product"] else None),
    })
    purchases = t[~t["is_return"]]
    returns = t[t["is_return"]]
    steps["aggregate"] = int(t["customer"].nunique())

    g = purchases.groupby("customer", sort=False)
    last = g["day"].max()
    first = g["day"].min()
    as_of = pd.Timestamp(m["as_of"]) if m["as_of"] else purchases["day"].max() + pd.Timedelta(days=1)
    out = pd.DataFrame(index=last.index)
    out["recency_days"] = (as_of - last).dt.days.astype(float)
    out["frequency"] = g["invoice"].nunique().astype(float)
    out["monetary"] = g["value"].sum()
    out["tenure_days"] = (as_of - first).dt.days.astype(float)
    out["avg_basket"] = out["monetary"] / out["frequency"]
    out["distinct_products"] = (g["product"].nunique().astype(float) if m["product"] else 0.0)
    returned = returns.assign(v=returns["value"].abs()).groupby("customer")["v"].sum()
    out["return_rate"] = returned.reindex(out.index, fill_value=0.0) / out["monetary"]
    days = g["day"].nunique()
    span = (last - first).dt.days
    out["days_between_orders"] = np.where(days > 1, span / (days - 1).clip(lower=1), 0.0)
    steps["no purchase"] = len(out)

    # Output order: each customer's first appearance among all rows of the file.
    first_seen = {c: i for i, c in reversed(list(enumerate(raw[m["customer"]])))}
    out = out.loc[sorted(out.index, key=lambda c: first_seen[c])]
    return out, steps, str(as_of.date())


def choose(out, seed):
    picks = list(out.index[:5])
    for col, fn in [("monetary", "idxmax"), ("frequency", "idxmax"), ("return_rate", "idxmax"),
                    ("days_between_orders", "idxmax"), ("recency_days", "idxmax"), ("tenure_days", "idxmin")]:
        picks.append(getattr(out[col], fn)())
    with_returns = out[(out["return_rate"] > 0) & (out["frequency"] > 1)]
    if len(with_returns):
        picks.append(with_returns.index[len(with_returns) // 2])
    rng = np.random.default_rng(seed)
    picks += list(rng.choice(out.index, size=6, replace=False))
    seen = []
    for p in picks:
        if p not in seen:
            seen.append(p)
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "..", "shared"))
    args = ap.parse_args()
    result = {"generated_by": f"make_feature_fixtures.py with pandas {pd.__version__}, numpy {np.__version__}"}
    for name, m in DATASETS.items():
        path = os.path.join(args.shared, m["path"])
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        out, steps, as_of = features(path, m)
        picks = choose(out, seed=20261123)
        result[name] = {
            "file": m["path"], "sha256": sha, "as_of": as_of,
            "customers": len(out), "steps": steps,
            "first_ids": [str(c) for c in out.index[:20]],
            "customers_features": {str(c): {f: float(out.at[c, f]) for f in FEATURES} for c in picks},
        }
        print(name, len(out), "customers;", len(picks), "sampled;", steps)
    with open(os.path.join(HERE, "expected_features.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
