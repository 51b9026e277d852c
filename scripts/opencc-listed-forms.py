#!/usr/bin/env python3
"""Print the Traditional forms that OpenCC lists for a Simplified character
but that its Traditional → Simplified character table leaves unchanged: the
table LISTED_FORMS_KEPT_BY_T2S in src/index/analyzer.rs.

    python3 scripts/opencc-listed-forms.py [DICTIONARY_DIR]

DICTIONARY_DIR defaults to the `assets/dictionaries` folder of the
ferrous-opencc crate that Cargo fetched (found with `cargo metadata`).
"""
import collections
import json
import pathlib
import subprocess
import sys


def dictionaries():
    if len(sys.argv) > 1:
        return pathlib.Path(sys.argv[1])
    meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1"],
                                     capture_output=True, text=True, check=True).stdout)
    crate = next(p for p in meta["packages"] if p["name"] == "ferrous-opencc")
    return pathlib.Path(crate["manifest_path"]).parent / "assets" / "dictionaries"


def load(path):
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, values = line.split("\t")
            table[key] = values.split(" ")
    return table


folder = dictionaries()
t2s = load(folder / "TSCharacters.txt")
s2t = load(folder / "STCharacters.txt")
listed = collections.defaultdict(set)
for simplified, forms in s2t.items():
    for form in forms:
        # Kept by T→S (its first conversion is itself), and the Simplified
        # side is not itself a Traditional character.
        kept = t2s.get(form, [form])[0] == form
        if form != simplified and kept and simplified not in t2s:
            listed[form].add(simplified)
for form, simplified in sorted(listed.items()):
    assert len(simplified) == 1, (form, simplified)
    print(f"    ('{form}', '{next(iter(simplified))}'),")
