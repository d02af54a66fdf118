#!/usr/bin/env python3
"""
Fits the churn model of flows/churn-prevention.flow.json: a logistic regression of `churn` on
the real telco attributes of demo/telco-customers.csv (7,043 customers), by Newton's method
(iteratively reweighted least squares) in plain Python, no libraries. Prints the score node's
`method` object (coefficients rounded to 4 decimals) and the fit's log-likelihood.

    python3 scripts/fit-churn-model.py

Numeric terms: tenure (months), monthly_charges, senior_citizen (0/1), paperless_billing (0/1).
One-hot terms, with the reference level first: contract (Month-to-month), internet_service (DSL),
payment_method (Mailed check). Unregularised, as analysts usually hand such models over.
"""
import csv
import json
import math
import os

NUMERIC = ['tenure', 'monthly_charges', 'senior_citizen', 'paperless_billing']
CATEGORICAL = {
    'contract': ['Month-to-month', 'One year', 'Two year'],
    'internet_service': ['DSL', 'Fiber optic', 'No'],
    'payment_method': ['Mailed check', 'Electronic check', 'Bank transfer (automatic)', 'Credit card (automatic)'],
}


def features(row):
    x = [1.0] + [float(row[name]) for name in NUMERIC]
    for name, levels in CATEGORICAL.items():
        x += [1.0 if row[name] == level else 0.0 for level in levels[1:]]
    return x


def solve(a, b):
    """Gaussian elimination with partial pivoting: a x = b."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0.0:
                f = m[r][col] / m[col][col]
                m[r] = [vr - f * vc for vr, vc in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(xs, ys, iterations=25):
    k = len(xs[0])
    beta = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(xs, ys):
            p = 1.0 / (1.0 + math.exp(-sum(b * v for b, v in zip(beta, x))))
            w = p * (1.0 - p)
            for i in range(k):
                grad[i] += (y - p) * x[i]
                wi = w * x[i]
                for j in range(i, k):
                    hess[i][j] += wi * x[j]
        for i in range(k):
            for j in range(i):
                hess[i][j] = hess[j][i]
        step = solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-10:
            break
    return beta


def main():
    path = os.path.join(os.path.dirname(__file__), '..', 'demo', 'telco-customers.csv')
    rows = list(csv.DictReader(open(path, newline='')))
    xs = [features(r) for r in rows]
    ys = [1.0 if r['churn'] == 'Yes' else 0.0 for r in rows]
    beta = fit(xs, ys)
    loglik = 0.0
    for x, y in zip(xs, ys):
        p = 1.0 / (1.0 + math.exp(-sum(b * v for b, v in zip(beta, x))))
        loglik += y * math.log(p) + (1 - y) * math.log(1 - p)
    r = lambda v: round(v, 4)
    method = {'type': 'logistic', 'intercept': r(beta[0]), 'numeric': [], 'categorical': []}
    for i, name in enumerate(NUMERIC):
        # A missing value takes the training mean (the demo has none missing on these columns).
        mean = sum(x[1 + i] for x in xs) / len(xs)
        method['numeric'].append({'attribute': name, 'coefficient': r(beta[1 + i]), 'missing': round(mean, 2)})
    at = 1 + len(NUMERIC)
    for name, levels in CATEGORICAL.items():
        coefs = {level: r(beta[at + j]) for j, level in enumerate(levels[1:])}
        at += len(levels) - 1
        method['categorical'].append({'attribute': name, 'reference': levels[0], 'levels': coefs})
    print(json.dumps(method, indent=2))
    rate = sum(ys) / len(ys)
    null = sum(ys) * math.log(rate) + (len(ys) - sum(ys)) * math.log(1 - rate)
    print(f'customers {len(rows)}, churned {int(sum(ys))}, log-likelihood {loglik:.2f} (intercept only: {null:.2f})')


if __name__ == '__main__':
    main()
