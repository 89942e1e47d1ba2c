#!/bin/sh
# check_format.sh SOURCE_DIR CLANG_FORMAT enforce|report
# Every C++ file git tracks under SOURCE_DIR is formatted as .clang-format says
# (clang-format --dry-run -Werror). Lists the files that are not, with their count.
#   enforce: exit 1 when any is not formatted.
#   report:  exit 77 instead (CTest shows the test as skipped, its output says which files).
# Exit 77 also when SOURCE_DIR is not a git checkout (nothing says which files are tracked), or
# when clang-format is not version 14 (another version lays some lines out differently).
set -u
src=$1 clang_format=$2 mode=$3
cd "$src" || exit 1
if ! command -v "$clang_format" >/dev/null; then
  echo "check_format: $clang_format not found (Debian's clang-format; scripts/install-deps.sh installs it)"
  [ "$mode" = enforce ] && exit 1
  exit 77
fi
# Another clang-format major version lays some lines out differently: the tree is formatted with 14.
version=$("$clang_format" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$version" != 14 ]; then
  echo "check_format: the tree is formatted with clang-format 14; $clang_format is version ${version:-unknown}, not checked"
  exit 77
fi
files=$(git ls-files -- '*.cpp' '*.hpp' 2>/dev/null) || { echo "check_format: $src is not a git checkout"; exit 77; }
[ -n "$files" ] || { echo "check_format: no tracked C++ files under $src"; exit 1; }
# One clang-format for all files; it names each unformatted one in lines
# "FILE:LINE:COL: error: code should be clang-formatted".
out=$(echo "$files" | xargs "$clang_format" --style=file --dry-run -Werror 2>&1 >/dev/null)
status=$?
unformatted=$(echo "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
count=$(echo "$unformatted" | grep -c .)
if [ "$status" -ne 0 ] && [ "$count" -eq 0 ]; then  # it failed for another reason (.clang-format?)
  echo "check_format: $clang_format failed:"; echo "$out" | head -20
  exit 1
fi
total=$(echo "$files" | wc -l)
if [ "$count" -eq 0 ]; then
  echo "check_format: all $total tracked C++ files are formatted"
  exit 0
fi
echo "check_format: $count of $total tracked C++ files are not formatted as .clang-format says:"
for f in $unformatted; do echo "  $f"; done
echo "(clang-format -i FILE formats one; $clang_format --dry-run FILE shows what would change)"
[ "$mode" = enforce ] && exit 1
exit 77
