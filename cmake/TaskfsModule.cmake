# taskfs_module(<name> SOURCES <src/...cpp>... [HEADERS <path under src/>...]
#               [INTERNAL <path under src/>...] [PUBLIC <targets>...] [PRIVATE <targets>...])
#
# One module of the daemon as a static library taskfs_<name>. Its HEADERS are
# its interface: a target that links it (or links a module that links it
# PUBLIC) may include them, as "module/header.hpp", and nothing else of it.
# INTERNAL headers are for the module's own sources only. Headers are reached
# through per-module directories of symbolic links in the build tree, so an
# include of a module one does not depend on (a backward arrow in
# docs/ARCHITECTURE.md) does not compile.
function(taskfs_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;HEADERS;INTERNAL;PUBLIC;PRIVATE")
  set(target taskfs_${name})
  add_library(${target} STATIC ${arg_SOURCES})
  target_compile_options(${target} PRIVATE ${TASKFS_SRC_WARNINGS})
  set(public_dir ${PROJECT_BINARY_DIR}/modules/${name})
  set(internal_dir ${PROJECT_BINARY_DIR}/modules/${name}-internal)
  foreach(header IN LISTS arg_HEADERS)
    get_filename_component(parent ${public_dir}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${header} ${public_dir}/${header} SYMBOLIC)
  endforeach()
  foreach(header IN LISTS arg_INTERNAL)
    get_filename_component(parent ${internal_dir}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${header} ${internal_dir}/${header} SYMBOLIC)
  endforeach()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${public_dir}>)
  if(arg_INTERNAL)
    target_include_directories(${target} PRIVATE ${internal_dir})
  endif()
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
endfunction()
