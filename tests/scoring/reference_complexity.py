"""Slow, loop-based reference for the complexity measures, used only by the tests.

Written from docs/methods.md with plain Python loops and a general (non-symmetric)
eigensolver on Mt, deliberately sharing no code with screening.scoring.complexity, so that
agreement between the two is evidence rather than repetition. Quadratic-to-cubic loops: keep
inputs small (tens of regions and industries).

Conventions mirrored from the methods page: rows or columns with zero total have RCA 0;
regions / industries with no presence get NaN ECI, COI / PCI and are left out of the eigen
problem; COI and COG use the raw (unit-norm, oriented) PCI eigenvector.
"""

from __future__ import annotations

import math

import numpy as np


def reference_complexity(
    x: list[list[float]], threshold: float = 1.0, phi: list[list[float]] | None = None
) -> dict[str, np.ndarray]:
    """All measures as a dict of float64 arrays, same names as the Complexity fields.

    ``phi``, when given, is used instead of the proximity estimated from ``x`` (a reference
    industry space) wherever proximity enters: density, COI, COG.
    """
    n_r, n_i = len(x), len(x[0])
    rca = _rca(x)
    m = [[1.0 if rca[c][p] >= threshold else 0.0 for p in range(n_i)] for c in range(n_r)]
    k_c = [sum(m[c]) for c in range(n_r)]
    k_p = [sum(m[c][p] for c in range(n_r)) for p in range(n_i)]
    phi = _proximity(m, k_p) if phi is None else [list(map(float, row)) for row in phi]
    dens = _density(m, phi)
    pci_raw = _pci_raw(m, k_c, k_p)
    eci_raw = _mean_over_present(m, k_c, pci_raw)
    if _correlation(k_c, eci_raw) < 0:
        pci_raw = [-v for v in pci_raw]
        eci_raw = [-v for v in eci_raw]
    mean, sd = _mean_sd([v for v in eci_raw if not math.isnan(v)])
    out = {
        "rca": rca,
        "mcp": m,
        "diversity": k_c,
        "ubiquity": k_p,
        "proximity": phi,
        "density": dens,
        "pci_raw": pci_raw,
        "eci": [(v - mean) / sd for v in eci_raw],
        "pci": [(v - mean) / sd for v in pci_raw],
        "coi": _coi(m, dens, pci_raw, k_c),
        "cog": _cog(m, phi, pci_raw, sd),
    }
    return {name: np.array(value, dtype=np.float64) for name, value in out.items()}


def _rca(x: list[list[float]]) -> list[list[float]]:
    n_r, n_i = len(x), len(x[0])
    total = sum(sum(row) for row in x)
    row_tot = [sum(x[c]) for c in range(n_r)]
    col_tot = [sum(x[c][p] for c in range(n_r)) for p in range(n_i)]
    out = [[0.0] * n_i for _ in range(n_r)]
    for c in range(n_r):
        for p in range(n_i):
            if row_tot[c] > 0 and col_tot[p] > 0:
                out[c][p] = (x[c][p] / row_tot[c]) / (col_tot[p] / total)
    return out


def _proximity(m: list[list[float]], k_p: list[float]) -> list[list[float]]:
    n_r, n_i = len(m), len(k_p)
    phi = [[0.0] * n_i for _ in range(n_i)]
    for p in range(n_i):
        for q in range(n_i):
            both = sum(m[c][p] * m[c][q] for c in range(n_r))
            larger = max(k_p[p], k_p[q])
            phi[p][q] = both / larger if larger > 0 else 0.0
    return phi


def _density(m: list[list[float]], phi: list[list[float]]) -> list[list[float]]:
    n_r, n_i = len(m), len(phi)
    out = [[0.0] * n_i for _ in range(n_r)]
    for p in range(n_i):
        col = sum(phi[q][p] for q in range(n_i))
        for c in range(n_r):
            if col > 0:
                out[c][p] = sum(m[c][q] * phi[q][p] for q in range(n_i)) / col
    return out


def _pci_raw(m: list[list[float]], k_c: list[float], k_p: list[float]) -> list[float]:
    """Second eigenvector of the non-symmetric Mt over present industries, unit norm."""
    keep = [p for p in range(len(k_p)) if k_p[p] > 0]
    mt = np.zeros((len(keep), len(keep)))
    for a, p in enumerate(keep):
        for b, q in enumerate(keep):
            mt[a, b] = sum(
                m[c][p] * m[c][q] / (k_c[c] * k_p[p]) for c in range(len(m)) if k_c[c] > 0
            )
    values, vectors = np.linalg.eig(mt)
    second = np.argsort(-values.real)[1]
    vec = vectors[:, second].real
    vec = vec / math.sqrt(sum(v * v for v in vec))
    out = [math.nan] * len(k_p)
    for a, p in enumerate(keep):
        out[p] = float(vec[a])
    return out


def _mean_over_present(m: list[list[float]], k_c: list[float], values: list[float]) -> list[float]:
    out = []
    for c in range(len(m)):
        if k_c[c] == 0:
            out.append(math.nan)
            continue
        out.append(sum(values[p] for p in range(len(values)) if m[c][p] > 0) / k_c[c])
    return out


def _mean_sd(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _correlation(a: list[float], b: list[float]) -> float:
    pairs = [(u, v) for u, v in zip(a, b, strict=True) if not math.isnan(v)]
    mean_a, sd_a = _mean_sd([u for u, _ in pairs])
    mean_b, sd_b = _mean_sd([v for _, v in pairs])
    cov = sum((u - mean_a) * (v - mean_b) for u, v in pairs) / len(pairs)
    return cov / (sd_a * sd_b)


def _coi(
    m: list[list[float]], dens: list[list[float]], pci_raw: list[float], k_c: list[float]
) -> list[float]:
    raw = []
    for c in range(len(m)):
        raw.append(
            sum(
                dens[c][p] * (1 - m[c][p]) * pci_raw[p]
                for p in range(len(pci_raw))
                if not math.isnan(pci_raw[p])
            )
        )
    mean, sd = _mean_sd([raw[c] for c in range(len(m)) if k_c[c] > 0])
    return [(raw[c] - mean) / sd if k_c[c] > 0 else math.nan for c in range(len(m))]


def _cog(
    m: list[list[float]], phi: list[list[float]], pci_raw: list[float], eci_sd: float
) -> list[list[float]]:
    n_r, n_i = len(m), len(phi)
    col = [sum(phi[r][q] for r in range(n_i)) for q in range(n_i)]
    out = [[0.0] * n_i for _ in range(n_r)]
    for c in range(n_r):
        for p in range(n_i):
            if m[c][p] > 0:
                continue
            total = 0.0
            for q in range(n_i):
                if col[q] > 0 and m[c][q] == 0:
                    total += phi[p][q] / col[q] * pci_raw[q]
            out[c][p] = total / eci_sd
    return out
