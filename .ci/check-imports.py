#!/usr/bin/env python3
"""Every target declares in Package.swift exactly the modules its sources import (system
modules aside), so the layering comment there is the real dependency graph."""
import glob, json, re, subprocess, sys

SYSTEM = {"Foundation", "FoundationXML", "FoundationNetworking", "Dispatch", "Glibc", "Darwin", "Musl", "Synchronization", "XCTest"}
package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
problems = []
for target in package["targets"]:
    declared = {next(iter(d.values()))[0] for d in target["dependencies"]}
    folder = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
    imported = set()
    for source in glob.glob(folder + "/**/*.swift", recursive=True):
        imported |= set(re.findall(r"^(?:@testable )?import (\w+)", open(source, encoding="utf-8").read(), re.M))
    imported -= SYSTEM
    if imported != declared:
        problems.append(f"{target['name']}: imports {sorted(imported)}, declares {sorted(declared)}")
print("\n".join(problems) or "imports match Package.swift")
sys.exit(1 if problems else 0)
