#!/usr/bin/env python3
"""Independent pandas computation of the declared aggregates of TablesTests (merge + groupby).

    python3 tables_reference.py coupons DIR OUT.csv   # ../shared/data/coupons, the aggregates of coupons_test.json
    python3 tables_reference.py shop DIR OUT.csv      # the shop `generate` wrote, the aggregates of shop_test.json
    python3 tables_reference.py generate DIR SEED     # a second shop: amounts, a 3-link chain, broken keys, copies

OUT.csv: customer_id, then one column per aggregate (repr floats), customers sorted by id;
plus a last line `#joins,<table>=<unmatched>,...` with the unmatched keys counted as seglab's
data report counts them (at the first broken link of a chain).
"""
import csv, sys
import numpy as np
import pandas as pd


def read(path):
    # Everything as text, empty cells as NaN: keys compare as text, as in seglab.
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def days(series):
    return (pd.to_datetime(series, format="%Y-%m-%d") - pd.Timestamp("1970-01-01")).dt.days


def window(frame, column, as_of, n):
    d = frame[column]
    return frame[(d >= as_of - n) & (d < as_of)]


def per_customer(ids, grouped, empty=np.nan):
    return grouped.reindex(ids).astype(float).fillna(empty)


def coupons(directory):
    tx = read(f"{directory}/transactions.csv").drop_duplicates()
    branches, merchants, cities = (read(f"{directory}/{n}.csv") for n in ("branches", "merchants", "cities"))
    as_of = days(pd.Series(["2025-01-01"]))[0]
    tx = tx[tx.customer_id.notna()].copy()
    tx["claimed"] = days(tx.claimed_date)
    tx["burnt"] = days(tx.burnt_date)
    tx.loc[tx.burnt >= as_of, "burnt"] = np.nan
    customers = read(f"{directory}/customers.csv")
    unmatched_branch = int((~tx.branch_id.isin(branches.branch_id)).sum())
    unmatched_customer = int((~tx.customer_id.isin(customers.customer_id)).sum())
    j = tx.merge(branches, on="branch_id", how="left")
    j = j.merge(merchants[["merchant_id"]].assign(m=merchants.merchant_id), on="merchant_id", how="left")
    j = j.merge(cities[["city_id"]].assign(c=cities.city_id), on="city_id", how="left")
    g = j.groupby("customer_id", sort=True)
    ids = sorted(j.customer_id.unique())
    out = pd.DataFrame(index=ids)
    out["recency_days"] = as_of - g.claimed.max()
    out["claims"] = g.size()
    out["burns"] = g.burnt.count()
    out["burn_rate"] = g.status.apply(lambda s: (s == "burnt").mean())
    out["merchants"] = g.m.nunique()
    out["cities"] = g.c.nunique()
    w = window(j, "claimed", as_of, 90).groupby("customer_id")
    out["claims_90d"] = per_customer(ids, w.size(), 0)
    out["burn_rate_90d"] = per_customer(ids, w.status.apply(lambda s: (s == "burnt").mean()), 0)
    out["tenure_days"] = as_of - g.claimed.min()
    return out, {"branches": unmatched_branch, "merchants": 0, "cities": 0, "customers": unmatched_customer}


def shop(directory):
    ev = read(f"{directory}/events.csv").drop_duplicates()
    stores, regions, members = (read(f"{directory}/{n}.csv") for n in ("stores", "regions", "members"))
    ev = ev[ev.customer.notna()].copy()
    ev["q"] = ev.qty.astype(float)
    ev["p"] = ev.price.astype(float)
    ev["line_value"] = ev.q * ev.p
    ev = ev[(ev.line_value > 0) & (ev.q > 0) & (ev.p > 0)].copy()
    ev["day"] = days(ev.order_date)
    ev["delivered"] = days(ev.delivered_date)
    as_of = ev.day.max() + 1  # no as_of declared: the day after the last event
    ev.loc[ev.delivered >= as_of, "delivered"] = np.nan
    # Counted among the rows cleaning kept, before any join drops a row.
    joins = {"stores": int((~ev.store.isin(stores.store_id)).sum()),
             "customers": int((~ev.customer.isin(members.member_id)).sum())}
    ev = ev[ev.store.isin(stores.store_id)]  # stores: unmatched drop
    j = ev.merge(stores, left_on="store", right_on="store_id", how="left")
    joins["regions"] = int((~j.region_id.isin(regions.region_id)).sum())
    j = j.merge(regions, on="region_id", how="left")  # regions: unmatched keep
    g = j.groupby("customer", sort=True)
    ids = sorted(j.customer.unique())
    out = pd.DataFrame(index=ids)
    out["orders"] = g.size()
    out["delivered"] = g.delivered.count()
    out["spend"] = g.line_value.sum()
    out["avg_line"] = g.line_value.mean()
    out["top_price"] = g.p.max()
    out["low_price"] = g.p.min()
    out["refund_share"] = g.status.apply(lambda s: (s == "refunded").mean())
    out["delivery_rate"] = out.delivered / out.orders
    out["stores"] = g.store_id.nunique()
    out["per_store"] = out.spend / out.stores
    out["regions"] = g.region_name.nunique()
    out["store_size_mean"] = g.store_size.apply(lambda s: s.astype(float).mean()).fillna(0)
    w = window(j, "day", as_of, 30).groupby("customer")
    out["spend_30d"] = per_customer(ids, w.line_value.sum(), 0)
    out["avg_line_30d"] = per_customer(ids, w.line_value.mean(), -1)
    wd = window(j, "delivered", as_of, 60).groupby("customer")
    out["delivered_60d"] = per_customer(ids, wd.size(), 0)
    out["recency_days"] = as_of - g.day.max()
    out["tenure_days"] = as_of - g.day.min()
    out["last_delivery"] = (as_of - g.delivered.max()).fillna(-7)
    return out, joins


def generate(directory, seed):
    """A shop unlike the coupons one: line values (quantity × price, returns ≤ 0), a
    three-link chain (events → stores → regions), broken keys at two links, exact copies,
    empty customer ids, and members missing from the customer table."""
    rng = np.random.default_rng(seed)
    n_regions, n_stores, n_customers, n_rows = 7, 40, 600, 9000
    with open(f"{directory}/regions.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region_id", "region_name"])
        for r in range(n_regions):
            w.writerow([f"R{r}", f"Region {r}, \"{chr(65 + r)}\""])
    with open(f"{directory}/stores.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["store_id", "region_id", "store_size"])
        for s in range(n_stores):
            region = f"R{rng.integers(0, n_regions + 1)}"  # R7 does not exist: a broken second link
            w.writerow([f"S{s:03d}", region, "" if s % 11 == 0 else f"{rng.uniform(50, 900):.2f}"])
    with open(f"{directory}/members.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["member_id", "tier"])
        for c in range(n_customers):
            if c % 17 == 0:
                continue  # not in the customer table
            w.writerow([f"K{c:04d}", rng.choice(["gold", "silver", "bronze", "bronze", "", "platinum"], p=[.2, .3, .25, .2, .03, .02])])
    start = np.datetime64("2024-01-01")
    rows = []
    for i in range(n_rows):
        customer = f"K{rng.integers(0, n_customers):04d}" if i % 250 else ""
        store = f"S{rng.integers(0, n_stores + 3):03d}"  # S040..S042 do not exist
        qty = int(rng.integers(-2, 9))
        price = round(float(rng.lognormal(2, 1)), 2) if i % 97 else 0.0
        day = start + np.timedelta64(int(rng.integers(0, 400)), "D")
        status = rng.choice(["paid", "refunded", ""], p=[.8, .15, .05])
        delivered = "" if rng.random() < 0.3 else str(day + np.timedelta64(int(rng.integers(0, 10)), "D"))
        rows.append([f"O{i:05d}", customer, store, qty, f"{price:.2f}", status, str(day), delivered])
        if i % 400 == 7:
            rows.append(list(rows[-1]))  # an exact copy
    rows.sort(key=lambda r: r[6])
    with open(f"{directory}/events.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["order_id", "customer", "store", "qty", "price", "status", "order_date", "delivered_date"])
        w.writerows(rows)


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    if mode == "generate":
        generate(directory, int(sys.argv[3]))
        return
    out, joins = coupons(directory) if mode == "coupons" else shop(directory)
    with open(sys.argv[3], "w") as f:
        f.write("customer_id," + ",".join(out.columns) + "\n")
        for cid, row in out.iterrows():
            f.write(cid + "," + ",".join(repr(float(v)) for v in row) + "\n")
        f.write("#joins," + ",".join(f"{k}={v}" for k, v in sorted(joins.items())) + "\n")


if __name__ == "__main__":
    main()
