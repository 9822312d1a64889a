# Independent check of Mosaic's scorecard: the same bins on the same data through pandas (WoE, IV), statsmodels
# (unpenalised Logit) and scikit-learn (roc_auc_score), plus the peer's own fit time. Run with Debian's
# /usr/bin/python3 (python3-pandas, python3-statsmodels, python3-sklearn). Reads a folder written by
# bench/finance.ts or src/schemes/scorecard/peer-check.ts; prints one JSON object.
import json
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def main(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    n = meta["rows"]
    y = np.fromfile(f"{folder}/y.u8", dtype=np.uint8).astype(np.int64)
    scores = np.fromfile(f"{folder}/scores.f64", dtype=np.float64)
    out = {"rows": n, "variables": []}
    design = []
    max_woe = max_iv = 0.0
    for v in meta["variables"]:
        x = np.fromfile(f"{folder}/{v['file']}", dtype=np.float64)
        edges = np.asarray(v["edges"], dtype=np.float64)
        if "categories" in v:
            # Categorical: x holds codes into labels; bin k holds the labels in categories[k]; missing (and a label
            # in no bin) go to the last bin.
            to_bin = {c: k for k, cs in enumerate(v["categories"]) for c in cs}
            lab = pd.Series(np.asarray(v["labels"], dtype=object)).reindex(pd.Series(x).astype("Int64"))
            codes = lab.map(to_bin).fillna(len(edges) + 1).to_numpy(dtype=np.int64)
        else:
            # Bin k holds edges[k-1] <= x < edges[k]; missing values go to the last bin (len(edges) + 1).
            codes = np.searchsorted(edges, x, side="right")
            codes[np.isnan(x)] = len(edges) + 1
        df = pd.DataFrame({"bin": codes, "y": y})
        t = df.groupby("bin")["y"].agg(["count", "sum"]).reindex(range(len(edges) + 2), fill_value=0)
        bads = t["sum"].to_numpy(dtype=np.float64)
        goods = t["count"].to_numpy(dtype=np.float64) - bads
        G, B = goods.sum(), bads.sum()
        ok = (goods > 0) & (bads > 0)
        woe = np.zeros(len(goods))
        woe[ok] = np.log((goods[ok] / G) / (bads[ok] / B))
        iv = float(np.sum(np.where(ok, (goods / G - bads / B) * woe, 0.0)))
        dw = float(np.max(np.abs(woe - np.asarray(v["woe"]))))
        di = abs(iv - v["iv"])
        max_woe, max_iv = max(max_woe, dw), max(max_iv, di)
        out["variables"].append({"name": v["name"], "woe_diff": dw, "iv_diff": di})
        design.append(woe[codes])
    X = sm.add_constant(np.column_stack(design), has_constant="add")
    t0 = time.perf_counter()
    res = sm.Logit(y, X).fit(method="newton", disp=0, maxiter=100, tol=1e-12)
    out["statsmodels_seconds"] = time.perf_counter() - t0
    coef = np.asarray(res.params)
    ours = np.asarray([meta["intercept"]] + [v["coefficient"] for v in meta["variables"]])
    out["max_coef_diff"] = float(np.max(np.abs(coef - ours)))
    out["max_woe_diff"] = max_woe
    out["max_iv_diff"] = max_iv
    # Higher score = safer, so the score of a bad is ranked by its negation.
    out["auc_sklearn"] = float(roc_auc_score(y, -scores))
    out["auc_diff"] = abs(out["auc_sklearn"] - meta["auc"])

    if meta.get("time_peer"):
        # The peer's own fit on the same raw data: quantile pre-binning and WoE with pandas for every variable,
        # then scikit-learn's unpenalised logistic regression on the WoE design of the same variables.
        t0 = time.perf_counter()
        cols = []
        for v in meta["all_variables"]:
            x = np.fromfile(f"{folder}/{v['file']}", dtype=np.float64)
            b = pd.qcut(pd.Series(x), 20, labels=False, duplicates="drop").fillna(-1).astype(np.int64)
            df = pd.DataFrame({"bin": b, "y": y})
            t = df.groupby("bin")["y"].agg(["count", "sum"])
            bad = t["sum"] + 0.5
            good = t["count"] - t["sum"] + 0.5
            w = np.log((good / good.sum()) / (bad / bad.sum()))
            if v["selected"]:
                cols.append(w.reindex(b).to_numpy())
        lr = LogisticRegression(penalty=None, solver="newton-cholesky", max_iter=100, tol=1e-8)
        lr.fit(np.column_stack(cols), y)
        out["peer_fit_seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
