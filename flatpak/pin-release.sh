#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Pins the Flathub manifest to a release: sets the tag and the commit it names.
#   sh flatpak/pin-release.sh v0.2.0
# Run after tagging (git tag -s v0.2.0) and before pushing the manifest to the
# Flathub repository; flatpak-builder refuses to build when they disagree.
set -eu
cd "$(dirname "$0")/.."
tag=${1:?usage: $0 TAG}
commit=$(git rev-parse --verify "$tag^{commit}")
python3 - "$tag" "$commit" <<'PY'
import json, sys
path = "flatpak/com.kenfiles.Desktop.json"
tag, commit = sys.argv[1], sys.argv[2]
with open(path) as f:
    m = json.load(f)
src = m["modules"][-1]["sources"][0]
src["tag"], src["commit"] = tag, commit
with open(path, "w") as f:
    json.dump(m, f, indent=2)
    f.write("\n")
PY
echo "flatpak/com.kenfiles.Desktop.json: $tag = $commit"
