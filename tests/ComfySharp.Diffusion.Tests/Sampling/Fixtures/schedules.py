#!/usr/bin/python3
"""Writes schedules.json: the SD 1.x sigma table and ComfyUI's schedulers, written from their published formulas in
plain torch/numpy (float semantics as ComfyUI computes them), for SchedulerTests. Run from this folder with Debian's
/usr/bin/python3 (python3-torch, python3-numpy). The beta scheduler needs scipy and is checked in the tests instead."""
import json
import math

import numpy as np
import torch

betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
sigmas64 = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
sigmas = sigmas64.float()
log_sigmas = sigmas64.log().float()
sigma_min, sigma_max = float(sigmas[0]), float(sigmas[-1])


def timestep(sigma):
    return int((math.log(sigma) - log_sigmas).abs().argmin())


def sigma_at(t):
    t = torch.clamp(torch.as_tensor(t, dtype=torch.float32), 0, 999)
    lo, hi, w = t.floor().long(), t.ceil().long(), t.frac()
    return float(((1 - w) * log_sigmas[lo] + w * log_sigmas[hi]).exp())


def normal(steps, sgm):
    start, end = timestep(sigma_max), timestep(sigma_min)
    ts = torch.linspace(start, end, steps + 1)[:-1] if sgm else torch.linspace(start, end, steps)
    return [sigma_at(t) for t in ts] + [0.0]


def simple(steps):
    ss = len(sigmas) / steps
    return [float(sigmas[-(1 + int(x * ss))]) for x in range(steps)] + [0.0]


def ddim_uniform(steps):
    sigs = [0.0]
    ss = max(len(sigmas) // steps, 1)
    x = 1
    while x < len(sigmas):
        sigs.append(float(sigmas[x]))
        x += ss
    return sigs[::-1]


def karras(n, rho=7.0):
    ramp = torch.linspace(0, 1, n)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return ((hi + ramp * (lo - hi)) ** rho).tolist() + [0.0]


def exponential(n):
    return torch.linspace(math.log(sigma_max), math.log(sigma_min), n).exp().tolist() + [0.0]


def linear_quadratic(steps, threshold=0.025):
    if steps == 1:
        s = [1.0, 0.0]
    else:
        ls = steps // 2
        lin = [i * threshold / ls for i in range(ls)]
        diff = ls - threshold * steps
        qs = steps - ls
        qc = diff / (ls * qs ** 2)
        lc = threshold / ls - 2 * diff / (qs ** 2)
        c = qc * ls ** 2
        s = [1.0 - x for x in lin + [qc * i ** 2 + lc * i + c for i in range(ls, steps)] + [1.0]]
    return (torch.FloatTensor(s) * sigmas[-1]).tolist()


def kl_optimal(n):
    idx = np.arange(n, dtype=np.float64) / (n - 1)
    return [float(np.float32(v)) for v in np.tan(idx * math.atan(sigma_min) + (1 - idx) * math.atan(sigma_max))] + [0.0]


out = {"sigmas": sigmas.tolist(), "sigma_at": {str(t): sigma_at(t) for t in [0, 0.5, 1.25, 499.5, 998.9, 999, 1200]}, "schedules": {}}
for steps in [1, 2, 5, 20, 33]:
    out["schedules"][str(steps)] = {
        "normal": normal(steps, False), "sgm_uniform": normal(steps, True), "simple": simple(steps), "ddim_uniform": ddim_uniform(steps),
        "karras": karras(steps), "exponential": exponential(steps), "linear_quadratic": linear_quadratic(steps),
    }
    if steps > 1:
        out["schedules"][str(steps)]["kl_optimal"] = kl_optimal(steps)
with open("schedules.json", "w") as f:
    json.dump(out, f)
