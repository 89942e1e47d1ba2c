#!/usr/bin/env bash
# `tapegrad report` opened in a real browser: headless Chromium (Debian's chromium package,
# which scripts/install-deps.sh installs) loads the page with every network request made to
# fail, and the page's own check (a script measuring the drawn boxes of the curves, the table's
# rows, the graph and the decoded images, written into <body data-rendered="...">) must find
# all of them rendered; the verification table's rows must hold numbers; a screenshot is taken.
#   tests/cli/report_in_browser.sh TAPEGRAD
set -euo pipefail
tapegrad=$1
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "FAIL: $chromium is missing: this test needs Debian's chromium package (scripts/install-deps.sh installs it)"
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s%N)

# A small MNIST-format data set of 28×28 images: class k is a bright bar at rows 2k+4..2k+6,
# with noise; 300 training and 60 test images.
/usr/bin/python3 - "$dir/images" <<'PY'
import os, random, struct, sys
out = sys.argv[1]
os.makedirs(out)
rng = random.Random(1)
def write(prefix, n):
    labels = [rng.randrange(10) for _ in range(n)]
    pixels = bytearray()
    for k in labels:
        for r in range(28):
            for c in range(28):
                bar = 2 * k + 4 <= r <= 2 * k + 6 and 4 <= c < 24
                pixels.append(rng.randrange(180, 256) if bar else rng.randrange(0, 60))
    with open(os.path.join(out, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 28, 28) + pixels)
    with open(os.path.join(out, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 8, 1, n) + bytes(labels))
write("train", 300)
write("t10k", 60)
PY

"$tapegrad" train --data "$dir/images" --sizes 784,16,10 --epochs 3 --csv "$dir/epochs.csv" --save "$dir/ckpt" \
  > "$dir/train.log" || { cat "$dir/train.log"; exit 1; }
"$tapegrad" report --checkpoint "$dir/ckpt" --csv "$dir/epochs.csv" -o "$dir/report.html" --images 32 \
  > "$dir/report.log" || { cat "$dir/report.log"; exit 1; }

# No network: every host resolves to nothing and every request goes to a dead proxy.
browser=("$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
         --disable-background-networking --disable-sync --user-data-dir="$dir/profile"
         --proxy-server=127.0.0.1:9 "--host-resolver-rules=MAP * ~NOTFOUND" --window-size=1200,2400)
timeout 60 "${browser[@]}" --dump-dom "file://$dir/report.html" > "$dir/dom.html" 2> "$dir/chromium.log" ||
  { echo "FAIL: chromium --dump-dom failed"; tail -5 "$dir/chromium.log"; exit 1; }
timeout 60 "${browser[@]}" --hide-scrollbars --screenshot="$dir/report.png" "file://$dir/report.html" \
  >> "$dir/chromium.log" 2>&1 || { echo "FAIL: chromium --screenshot failed"; tail -5 "$dir/chromium.log"; exit 1; }

fail=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
rendered=$(grep -o '<body data-rendered="[^"]*"' "$dir/dom.html" || true)
echo "the page's own check: ${rendered:-nothing (its script did not run)}"
check "the four curves are drawn with a size" grep -q 'curves=4/4 ' <<< "$rendered"
check "the verification table's 4 rows are laid out" grep -q 'table-rows=4/4 ' <<< "$rendered"
check "the graph is drawn" grep -q 'graph=1/1 ' <<< "$rendered"
check "the 32 test images are decoded" grep -q 'images=32/32"' <<< "$rendered"
# Each row: the parameter, its shape, then five numbers.
number='[0-9]\.[0-9]+e[-+][0-9]+'
rows=$(grep -cE "<tr><td>[Wb]<sup>[23]</sup></td><td>\([0-9]+,[0-9]+\)</td>(<td>$number</td>){5}</tr>" "$dir/dom.html" || true)
check "the verification table holds 4 rows of numbers (found $rows)" test "$rows" -eq 4
check "the screenshot is a PNG" test "$(head -c 4 "$dir/report.png" | od -An -tx1 | tr -d ' ')" = 89504e47
echo "report in browser: $((($(date +%s%N) - start) / 1000000)) ms in all"
exit $fail
