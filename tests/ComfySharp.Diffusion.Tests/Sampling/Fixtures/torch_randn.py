#!/usr/bin/python3
"""Writes torch_randn.json: what PyTorch's CPU generator gives for torch.randn, the fixture TorchGeneratorTests compare
against bit for bit. Run with Debian's /usr/bin/python3 (python3-torch) from this folder: /usr/bin/python3 torch_randn.py"""
import hashlib
import json

import torch

SEEDS = [0, 1, 42, 123456789, 2**32 + 7, 2**63 + 5, 2**64 - 1]
SHAPES = [[1], [7], [15], [16], [17], [4, 4, 8, 8], [1, 4, 64, 64]]


def bits(t):
    return t.contiguous().numpy().astype("<f4").tobytes()


def entry(t):
    raw = bits(t)
    e = {"shape": list(t.shape), "sha256": hashlib.sha256(raw).hexdigest()}
    if t.numel() <= 1024:
        e["bits"] = raw.hex()
    else:
        e["head_bits"] = raw[:256].hex()
    return e


cases = []
for seed in SEEDS:
    for shape in SHAPES:
        torch.manual_seed(seed)
        cases.append({"seed": str(seed), "kind": "manual_seed", "calls": [entry(torch.randn(shape))]})
    # One generator, several draws: the cached second Box-Muller value of the scalar path carries over between calls.
    for sequence in ([[7], [7], [3]], [[3], [16], [5]], [[1], [17], [1]], [[2, 4, 8, 8], [2, 4, 8, 8]]):
        g = torch.Generator().manual_seed(seed)
        cases.append({"seed": str(seed), "kind": "generator", "calls": [entry(torch.randn(s, generator=g)) for s in sequence]})

with open("torch_randn.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
