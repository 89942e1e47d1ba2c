#!/bin/sh
# test_handout.sh SOURCE PREFIX WORK: the CTest test exercises/handout. Writes a handout from
# SOURCE (scripts/handout.sh), builds it against the tapegrad installed in PREFIX, in one build
# directory under WORK reused throughout (only the exercises are compiled), and grades it:
#   - as handed out: every exercise scores 0 and says "not written yet";
#   - with the reference solutions dropped in: full marks in results.json;
#   - with each planted mistake in turn (mistake*.cpp, the other exercises solved): that exercise
#     scores less, and its feedback names a wrong number ("expected ..., got ..." or gradcheck's
#     "analytic ..., numeric ...").
set -eu
src=$1 prefix=$2 work=$3
fail() { echo "test_handout: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; r=json.load(open('$1')); $2"; }  # json FILE PYTHON
rm -rf "$work/handout" "$work/handout.tar.gz"
mkdir -p "$work"
"$src/scripts/handout.sh" "$work/handout" --tar
h=$work/handout
! find "$h" -name 'solution.cpp' -o -name 'mistake*.cpp' | grep . || fail "the handout holds solutions or mistakes"
tar -tzf "$work/handout.tar.gz" | grep -q '^handout/grade.sh$' || fail "the tarball has no handout/grade.sh"
grade() {  # grade RESULTS ARG...: the handout's grader, its output in RESULTS.log; sets $status
  results=$1
  shift
  status=0
  "$h/grade.sh" --tapegrad "$prefix" --build "$work/build" --results "$results" --jobs 2 "$@" \
    > "$results.log" 2>&1 || status=$?
  cat "$results.log"
}

grade "$work/stubs.json"
[ "$status" = 1 ] || fail "the stubs: exit status $status, expected 1"
json "$work/stubs.json" "sys.exit(any(t['score'] != 0 or 'not written yet' not in t['output'] for t in r['tests']))" ||
  fail "a stub scored, or its feedback does not say 'not written yet'"
grep -q '^seed\|seed [0-9]' "$work/stubs.json.log" || fail "the seed is not reported"

for dir in "$src"/exercises/[0-9][0-9]_*/; do cp "$dir/solution.cpp" "$h/$(basename "$dir")/exercise.cpp"; done
grade "$work/solutions.json"
[ "$status" = 0 ] || fail "the reference solutions: exit status $status, expected 0"
json "$work/solutions.json" "m=r['extra_data']['max_score']; sys.exit(not (m > 0 and r['score'] == m and
  all(t['score'] == t['max_score'] > 0 for t in r['tests'])))" || fail "the reference solutions lack full marks"

for mistake in "$src"/exercises/[0-9][0-9]_*/mistake*.cpp; do
  name=$(basename "$(dirname "$mistake")")
  echo "---- $name/$(basename "$mistake")"
  cp "$mistake" "$h/$name/exercise.cpp"
  grade "$work/mistake.json" "$name"
  [ "$status" = 1 ] || fail "$name/$(basename "$mistake"): exit status $status, expected 1"
  json "$work/mistake.json" "t=r['tests'][0]; sys.exit(not t['score'] < t['max_score'])" ||
    fail "$name/$(basename "$mistake") scored full marks"
  number='-?[0-9.]+(e[-+]?[0-9]+)?'  # 0.42, or -9.233272053e-05 (the seed decides)
  grep -Eq "expected $number, got|analytic $number, numeric" "$work/mistake.json.log" ||
    fail "$name/$(basename "$mistake"): the feedback names no wrong number"
  cp "$src/exercises/$name/solution.cpp" "$h/$name/exercise.cpp"
done
echo "test_handout: stubs 0, solutions full marks, every planted mistake caught"
