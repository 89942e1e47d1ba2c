#!/bin/sh
# handout.sh OUT [--tar]: writes the students' handout to the directory OUT (and, with --tar,
# OUT.tar.gz beside it): every exercise's statement (README.md), header, test and stub
# (exercise.cpp), the shared check and main, the grader (./grade.sh), and the exercises' README;
# never a solution.cpp or a mistake*.cpp. The handout builds against the installed tapegrad
# package (find_package), or against a tapegrad source tree: ./grade.sh --tapegrad DIR.
# OUT must not exist yet (nothing is overwritten); it appears whole or not at all.
set -eu
usage() { echo "usage: scripts/handout.sh OUT [--tar]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out=$1
tar=no
[ $# -lt 2 ] || { [ "$2" = --tar ] && [ $# -eq 2 ] && tar=yes || usage; }
[ ! -e "$out" ] || { echo "handout.sh: $out exists already; give a new directory" >&2; exit 2; }
[ "$tar" = no ] || [ ! -e "$out.tar.gz" ] || { echo "handout.sh: $out.tar.gz exists already" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../exercises" && pwd)

tmp=$(mktemp -d "$(dirname "$out")/.handout.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$src/CMakeLists.txt" "$src/README.md" "$src/main.cpp" "$src/built_from.cpp" "$src/check.hpp" \
   "$src/grade.py" "$tmp/"
for dir in "$src"/[0-9][0-9]_*/; do
  name=$(basename "$dir")
  mkdir "$tmp/$name"
  for f in "$dir"*; do
    case $(basename "$f") in
      solution.cpp | mistake*.cpp) ;;  # the instructor's
      *) cp "$f" "$tmp/$name/" ;;
    esac
  done
done
cat > "$tmp/grade.sh" <<'GRADE'
#!/bin/sh
# Builds and grades your exercises: per exercise "passed", or the first wrong number and a hint;
# writes results.json. ./grade.sh --help for the options.
exec python3 "$(dirname "$0")/grade.py" "$@"
GRADE
chmod +x "$tmp/grade.sh" "$tmp/grade.py"
if [ "$tar" = yes ]; then
  tar -czf "$tmp.tar.gz" -C "$tmp" --transform "s,^\.,$(basename "$out")," .
  mv "$tmp.tar.gz" "$out.tar.gz"
fi
mv "$tmp" "$out"
trap - EXIT
echo "handout.sh: wrote $out$( [ "$tar" = no ] || echo " and $out.tar.gz")"
