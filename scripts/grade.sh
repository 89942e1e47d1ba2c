#!/bin/sh
# Grades the exercises in exercises/: builds them (in build-exercises/, never in build/), runs
# each test program and prints, per exercise, "passed" or the first wrong number with a hint;
# writes results.json (Gradescope's format). --solutions grades the reference solutions instead
# (instructor; in build-solutions/). --help lists the options; exercises/README.md explains.
exec python3 "$(dirname "$0")/../exercises/grade.py" "$@"
