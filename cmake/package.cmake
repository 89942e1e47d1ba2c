# `cpack -G DEB` in a build directory: the Debian package tapegrad_VERSION_amd64.deb, with what
# `cmake --install` installs (cmake/install.cmake), for /usr. scripts/package.sh configures a
# build for it (generic x86-64 code: TG_NATIVE=OFF) and runs cpack.
set(CPACK_PACKAGE_NAME tapegrad)
set(CPACK_PACKAGE_VENDOR "tapegrad")
set(CPACK_PACKAGE_CONTACT "The tapegrad developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "A C++20 reverse-mode autodiff engine, a network library in Nielsen's notation
with BP1-BP4 written by hand, and the tapegrad program (train, verify, eval, report, graph,
explain): headers, static libraries, CMake and pkg-config files, man pages, docs and a
student project template (/usr/share/tapegrad/templates/student-project).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)     # tapegrad_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# A program using the libraries needs the -dev packages of their dependencies (the same list as
# find_package's); the program's own shared libraries are added by dpkg-shlibdeps.
set(debian "")
foreach(entry IN LISTS TG_DEPENDENCIES)
  string(REGEX REPLACE "^[^|]*\\|" "" package "${entry}")
  list(APPEND debian ${package})
endforeach()
list(JOIN debian ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake, g++, pkg-config, doctest-dev, graphviz")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "dataset-fashion-mnist")
# The package must run on any x86-64 machine: refuse to pack a build made for this CPU only
# (the package test packs the test build anyway, -D TG_PACK_FOR_INSPECTION=ON, to inspect it).
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/tapegrad_cpack_options.cmake)
file(WRITE ${CPACK_PROJECT_CONFIG_FILE} "set(tg_native ${TG_NATIVE})
if(tg_native AND NOT TG_PACK_FOR_INSPECTION)
  message(FATAL_ERROR \"cpack: this build uses -march=native, so its program may not run on other machines; configure with -DTG_NATIVE=OFF (scripts/package.sh does)\")
endif()
")
include(CPack)
