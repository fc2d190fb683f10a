# What a user's system gets besides the programs, headers and CMake package
# (installed by the root CMakeLists.txt): the man page and the bash
# completion; and the Debian package of it all, made by `cpack -G DEB` in the
# build tree.

# The man page, gzipped as Debian installs man pages.
find_program(TASKFS_GZIP gzip REQUIRED)
set(taskfs_man_page ${PROJECT_BINARY_DIR}/taskfs.1.gz)
add_custom_command(OUTPUT ${taskfs_man_page}
  COMMAND ${TASKFS_GZIP} -9nc ${PROJECT_SOURCE_DIR}/docs/taskfs.1 > ${taskfs_man_page}
  DEPENDS ${PROJECT_SOURCE_DIR}/docs/taskfs.1 VERBATIM)
add_custom_target(taskfs_man_page ALL DEPENDS ${taskfs_man_page})
install(FILES ${taskfs_man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# bash-completion loads completions/<command> on first use of the command.
install(FILES ${PROJECT_SOURCE_DIR}/completion/taskfs.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME taskfs)

set(CPACK_PACKAGE_NAME taskfs)
set(CPACK_PACKAGE_VENDOR taskfs)
set(CPACK_PACKAGE_CONTACT "taskfs developers <taskfs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "cached C++ task results shown as files")
set(CPACK_PACKAGE_DESCRIPTION
  "A FUSE daemon that caches computation tasks, C++ functions with typed\n\
params, and shows their results as files: reading a file computes what is\n\
missing in parallel worker processes and serves the rest from a SQLite store.\n\
Includes the authoring headers and the CMake package to build task libraries.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# cpack -G DEB needs dpkg-dev (dpkg-shlibdeps) and file, both in setup.sh.
# The libraries the programs link (libfuse3, libsqlite3, libxxhash, libpq, boost
# program_options, graphviz) as dpkg-shlibdeps finds them, plus fusermount3
# for mounting as a regular user, and cereal and rapidjson, which the
# authoring headers use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fuse3, libcereal-dev, rapidjson-dev")
# Building a task library takes a compiler and CMake.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.25), g++, bash-completion")
include(CPack)
