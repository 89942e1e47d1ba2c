# What `cmake --install build --prefix P` puts where (GNUInstallDirs' layout under P), and the
# files through which other projects find it:
#   include/tapegrad/autodiff/..., include/tapegrad/nn/...   the headers, included as in the docs
#       ("autodiff/autodiff.hpp", "nn/mlp.hpp"); the tapegrad/ level keeps them apart from other
#       packages' (another C++ autodiff library installs include/autodiff/)
#   lib/libtapegrad_autodiff.a, lib/libtapegrad_nn.a
#   lib/cmake/tapegrad/   tapegradConfig.cmake (+ version, dependencies, exported targets)
#   lib/pkgconfig/tapegrad.pc
#   bin/tapegrad, share/man/man1/tapegrad*.1.gz               the program and its man pages
#   share/doc/tapegrad/   README.md and docs/;   share/tapegrad/templates/student-project/
include(CMakePackageConfigHelpers)
set(TG_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tapegrad)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/autodiff ${PROJECT_SOURCE_DIR}/nn
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tapegrad FILES_MATCHING PATTERN "*.hpp")
install(TARGETS tapegrad_autodiff tapegrad_nn EXPORT tapegradTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT tapegradTargets NAMESPACE tapegrad:: DESTINATION ${TG_CMAKE_INSTALL_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tapegradConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tapegradConfig.cmake INSTALL_DESTINATION ${TG_CMAKE_INSTALL_DIR})
# Before 1.0 a minor version may change the API: 0.1.x satisfies find_package(tapegrad 0.1), 0.2 does not.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tapegradConfig.cmake ${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/tapegradDependencies.cmake
        DESTINATION ${TG_CMAKE_INSTALL_DIR})

# pkg-config: the prefix relative to the .pc file, so that the file is right wherever P is.
file(RELATIVE_PATH TG_PC_PREFIX_FROM_PCDIR /P/${CMAKE_INSTALL_LIBDIR}/pkgconfig /P)
configure_file(${PROJECT_SOURCE_DIR}/cmake/tapegrad.pc.in ${PROJECT_BINARY_DIR}/tapegrad.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tapegrad.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET tapegrad)
  install(TARGETS tapegrad RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # The man pages, from the program's --help by Debian's help2man (built with the program).
  find_program(TG_HELP2MAN help2man)
  if(TG_HELP2MAN)
    set(pages "")
    foreach(command IN ITEMS "" train verify eval report graph explain info demo)
      if(command)
        set(page ${PROJECT_BINARY_DIR}/man/tapegrad-${command}.1.gz)
      else()
        set(page ${PROJECT_BINARY_DIR}/man/tapegrad.1.gz)
      endif()
      add_custom_command(OUTPUT ${page}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
        COMMAND ${PROJECT_SOURCE_DIR}/cmake/man_page.sh ${TG_HELP2MAN} $<TARGET_FILE:tapegrad> ${PROJECT_VERSION}
                ${page} ${command}
        DEPENDS tapegrad ${PROJECT_SOURCE_DIR}/cmake/man_page.sh VERBATIM)
      list(APPEND pages ${page})
    endforeach()
    add_custom_target(tg_man_pages ALL DEPENDS ${pages})
    install(FILES ${pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  else()
    message(STATUS "help2man not found: no man pages (Debian's help2man; scripts/install-deps.sh installs it)")
  endif()
endif()

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN CMakeLists.txt EXCLUDE PATTERN doxygen EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/templates/student-project DESTINATION ${CMAKE_INSTALL_DATADIR}/tapegrad/templates)
