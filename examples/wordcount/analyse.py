#!/usr/bin/env python3
"""Analyses wordcount results read through the mount: a result is a file, so
plain open() and json read a JSON result, and numpy.loadtxt a sequence result
(one number a line). Reading a file that is not cached yet computes it.

usage: analyse.py [MOUNTPOINT]   (default: mnt)
"""
import json
import sys

import numpy as np

mnt = sys.argv[1] if len(sys.argv) > 1 else "mnt"

with open(f"{mnt}/summary/default", encoding="utf-8") as f:
    summary = json.load(f)  # {"words": ..., "distinct": ..., "longest": ...}

# lengths[i]: how many words have i + 1 letters.
lengths = np.loadtxt(f"{mnt}/lengths/default", dtype=np.int64, ndmin=1)
letters = np.arange(1, len(lengths) + 1)

print(f"words: {summary['words']}, distinct: {summary['distinct']}")
print(f"lengths add up to the words: {bool(lengths.sum() == summary['words'])}")
print(f"mean word length: {(letters * lengths).sum() / lengths.sum():.3f}")
print(f"most common length: {letters[lengths.argmax()]} letters")
print(f"longest word: {summary['longest']} ({len(lengths)} letters)")
