#!/bin/sh
# package_test.sh STEP ARG...: one step of the package tests (tests/package/CMakeLists.txt).
# Every project is configured with Ninja and the compiler of the build under test ($CXX), in a
# fresh directory under WORK; a failing step prints the end of what failed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
step=$1
shift

fail() { echo "package_test $step: $*" >&2; exit 1; }
# configure SOURCE BUILD ARG...: cmake's configure step; its output in BUILD.log
configure() {
  s=$1 b=$2
  shift 2
  rm -rf "$b"
  cmake -S "$s" -B "$b" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" "$@" > "$b.log" 2>&1 ||
    { tail -n 30 "$b.log"; fail "configuring $s failed"; }
}
# build BUILD ARG...: cmake's build step; its output in BUILD.build.log
build() {
  b=$1
  shift
  cmake --build "$b" -j2 "$@" > "$b.build.log" 2>&1 || { tail -n 30 "$b.build.log"; fail "building $b failed"; }
}
# expect_refused SOURCE BUILD TEXT ARG...: configuring fails, and says TEXT
expect_refused() {
  s=$1 b=$2 text=$3
  shift 3
  rm -rf "$b"
  if cmake -S "$s" -B "$b" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" "$@" > "$b.log" 2>&1; then
    fail "configuring $s succeeded; it should have failed saying '$text'"
  fi
  grep -F -- "$text" "$b.log" || { cat "$b.log"; fail "the failure does not say '$text'"; }
}
# consumer WAY SOURCE WORK: tapegrad's source as tapegrad/ beside the consumer's CMakeLists.txt
consumer() {
  way=$1 src=$2 work=$3
  rm -rf "$work/$way" && mkdir -p "$work/$way"
  cp "$here/$way/CMakeLists.txt" "$here/add_subdirectory/app.cpp" "$work/$way/"  # one program for both ways
  ln -s "$src" "$work/$way/tapegrad"
  configure "$work/$way" "$work/$way/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  b=$work/$way/build
  grep -q '^CMAKE_BUILD_TYPE:STRING=$' "$b/CMakeCache.txt" || fail "the consumer's CMAKE_BUILD_TYPE was set"
  ! grep -q 'test_autodiff\|bench_engine\|example_01' "$b/build.ninja" || fail "tests, benchmarks or examples configured"
  flags=$(grep '"command".*app\.cpp' "$b/compile_commands.json")
  ! echo "$flags" | grep -q -- '-march=native\|-Wpedantic' || fail "tapegrad's own flags reached the consumer: $flags"
  echo "$flags" | grep -q -- '-std=\(c\|gnu\)++20' || fail "no -std=c++20 for the consumer: $flags"
  build "$b" --target app
  "$b/app"
}

case $step in
  install)  # BUILD PREFIX
    rm -rf "$2"
    cmake --install "$1" --prefix "$2" > "$2.log" 2>&1 || { tail -n 20 "$2.log"; fail "cmake --install failed"; } ;;
  layout)  # PREFIX: what an install holds
    cd "$1"
    for path in include/tapegrad/autodiff/autodiff.hpp include/tapegrad/autodiff/ops/math.hpp \
                include/tapegrad/nn/mlp.hpp include/tapegrad/nn/data/idx.hpp \
                'lib*/libtapegrad_autodiff.a' 'lib*/libtapegrad_nn.a' \
                'lib*/cmake/tapegrad/tapegradConfig.cmake' 'lib*/cmake/tapegrad/tapegradConfigVersion.cmake' \
                'lib*/cmake/tapegrad/tapegradTargets.cmake' 'lib*/pkgconfig/tapegrad.pc' \
                bin/tapegrad share/man/man1/tapegrad.1.gz share/man/man1/tapegrad-train.1.gz \
                share/doc/tapegrad/README.md share/doc/tapegrad/install.md \
                share/tapegrad/templates/student-project/CMakeLists.txt; do
      # shellcheck disable=SC2086  # the pattern is expanded here
      set -- $path
      [ -e "$1" ] || fail "missing from the install: $path"
    done
    bin/tapegrad --version
    zcat share/man/man1/tapegrad-train.1.gz | grep -q '^\.TH TAPEGRAD-TRAIN' || fail "tapegrad-train.1 is not a man page" ;;
  template)  # SOURCE PREFIX WORK: the student project, copied, built against the install, run
    rm -rf "$3/student-project" && cp -r "$1/templates/student-project" "$3/"
    configure "$3/student-project" "$3/student-project/build" -DCMAKE_PREFIX_PATH="$2"
    build "$3/student-project/build"
    "$3/student-project/build/homework"
    ctest --test-dir "$3/student-project/build" --output-on-failure ;;
  pkg-config)  # SOURCE PREFIX WORK: the template's main.cpp built by hand with pkg-config's flags
    PKG_CONFIG_PATH=$(dirname "$(find "$2" -name tapegrad.pc)")
    export PKG_CONFIG_PATH
    pkg-config --modversion tapegrad
    # shellcheck disable=SC2046  # pkg-config's words, split
    "$CXX" -o "$3/homework-pkg-config" -I"$1/templates/student-project" "$1/templates/student-project/main.cpp" \
      $(pkg-config --cflags --libs tapegrad) || fail "compiling with pkg-config's flags failed"
    "$3/homework-pkg-config" ;;
  headers)  # PREFIX WORK
    configure "$here/headers" "$2/headers" -DCMAKE_PREFIX_PATH="$1"
    build "$2/headers"
    grep 'headers, each compiled alone' "$2/headers.log" ;;
  too-old)  # PREFIX WORK
    expect_refused "$here/too_old" "$2/too_old" "99.0" -DCMAKE_PREFIX_PATH="$1"
    grep -q 'version: 0\.1\.' "$2/too_old.log" || fail "the refusal does not name the installed version" ;;
  missing-dependency)  # SOURCE PREFIX WORK: fmt hidden from find_package
    expect_refused "$1/templates/student-project" "$3/missing_dependency" "libfmt-dev" \
      -DCMAKE_PREFIX_PATH="$2" -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON ;;
  deb)  # BUILD WORK: cpack in the build under test, the package inspected and unpacked (not installed)
    rm -rf "$2/deb" && mkdir -p "$2/deb"
    (cd "$1" && cpack -G DEB -B "$2/deb" -D TG_PACK_FOR_INSPECTION=ON) > "$2/deb.log" 2>&1 ||
      { tail -n 20 "$2/deb.log"; fail "cpack -G DEB failed"; }
    deb=$(ls "$2"/deb/tapegrad_*_*.deb)
    dpkg-deb -I "$deb" > "$2/deb/info"
    grep -E '^ (Package|Version|Architecture|Depends):' "$2/deb/info"
    for package in libxtensor-dev libxsimd-dev libfmt-dev libopenblas-dev nlohmann-json3-dev zlib1g-dev; do
      grep -q "^ Depends:.*$package" "$2/deb/info" || fail "Depends: does not name $package"
    done
    dpkg-deb -c "$deb" > "$2/deb/contents"
    for path in /usr/include/tapegrad/autodiff/autodiff.hpp /usr/include/tapegrad/nn/mlp.hpp 'libtapegrad_nn.a' \
                'cmake/tapegrad/tapegradConfig.cmake' 'pkgconfig/tapegrad.pc' /usr/bin/tapegrad \
                /usr/share/man/man1/tapegrad.1.gz /usr/share/man/man1/tapegrad-verify.1.gz \
                /usr/share/doc/tapegrad/README.md /usr/share/tapegrad/templates/student-project/main.cpp; do
      grep -qF "$path" "$2/deb/contents" || fail "the package does not hold $path"
    done
    echo "$(grep -c . "$2/deb/contents") entries; headers, libraries, CMake and pkg-config files, program, man pages, docs"
    dpkg-deb -x "$deb" "$2/deb/root"
    "$2/deb/root/usr/bin/tapegrad" --version ;;
  apt-install)  # SOURCE WORK: the .deb of the deb step installed with apt, used, then removed
    # Installing into /usr is for a throwaway machine run as root (CI): skipped elsewhere, and
    # never over a tapegrad package that is already installed.
    [ "$(id -u)" = 0 ] || { echo "package_test apt-install: skipped: not root, apt cannot install here"; exit 77; }
    command -v apt-get > /dev/null || { echo "package_test apt-install: skipped: no apt-get"; exit 77; }
    # One run at a time on this machine (two build trees' tests): both could find no package
    # installed, and one remove it while the other builds against it. The lock is the kernel's
    # (flock), so it ends with the process that holds it, however that ends.
    lockdir=/run/lock && [ -d "$lockdir" ] || lockdir=/tmp
    exec 9> "$lockdir/tapegrad-package-apt-install.lock"
    flock 9
    if dpkg-query -W -f='${Status}' tapegrad 2> /dev/null | grep -q 'ok installed'; then
      echo "package_test apt-install: skipped: a tapegrad package is installed already; not replacing it"
      exit 77
    fi
    deb=$(ls "$2"/deb/tapegrad_*_*.deb)
    trap 'apt-get remove --purge -y tapegrad > "$2/apt-remove.log" 2>&1' EXIT
    apt-get install -y -o DPkg::Lock::Timeout=300 "$deb" > "$2/apt-install.log" 2>&1 ||
      { tail -n 20 "$2/apt-install.log"; fail "apt-get install $deb failed"; }
    /usr/bin/tapegrad --version
    dpkg -L tapegrad > "$2/dpkg-L"
    for path in '^/usr/include/tapegrad/autodiff/autodiff\.hpp$' '^/usr/include/tapegrad/nn/mlp\.hpp$' \
                '/libtapegrad_autodiff\.a$' '/libtapegrad_nn\.a$' '/cmake/tapegrad/tapegradConfig\.cmake$' \
                '/pkgconfig/tapegrad\.pc$' '^/usr/bin/tapegrad$' '^/usr/share/man/man1/tapegrad\.1\.gz$' \
                '^/usr/share/man/man1/tapegrad-explain\.1\.gz$' '^/usr/share/doc/tapegrad/README\.md$' \
                '^/usr/share/tapegrad/templates/student-project/main\.cpp$'; do
      grep -q "$path" "$2/dpkg-L" || fail "dpkg -L tapegrad lists nothing matching $path"
    done
    echo "dpkg -L tapegrad: $(grep -c . "$2/dpkg-L") paths; headers, libraries, CMake and pkg-config files, program, man pages, docs"
    # The student template as installed, built against the package with no path given.
    rm -rf "$2/apt-template" && cp -r /usr/share/tapegrad/templates/student-project "$2/apt-template"
    configure "$2/apt-template" "$2/apt-template/build"
    build "$2/apt-template/build"
    "$2/apt-template/build/homework" ;;
  add_subdirectory | fetchcontent)  # SOURCE WORK
    consumer "$step" "$1" "$2" ;;
  *) fail "unknown step" ;;
esac
