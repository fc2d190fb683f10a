# taskfs_add_tasks(<target> <source>...)
#
# Builds the task sources into a loadable task library, lib<target>.so. Each
# source gets a build-time code fingerprint (TASKFS_SOURCE_FINGERPRINT): the
# normalized text of the file and of the project headers it includes, without
# its task declarations, plus the library's other sources (helpers added with
# target_sources, which any task may call), and the code-changing flags: the
# target's compile definitions and options (warning flags aside) and the -D/-U
# flags of CMAKE_CXX_FLAGS and of the build type's flags. Comment and whitespace
# edits leave it unchanged, and so does the compiler's version.
#
# Expects the targets taskfs::taskfs (headers) and taskfs::fingerprint (tool),
# and the variable TASKFS_ENTRY_SOURCE (the registry entry point).
function(taskfs_add_tasks target)
  set(sources ${ARGN})
  if(NOT sources)
    message(FATAL_ERROR "taskfs_add_tasks(${target}): no source files given")
  endif()
  add_library(${target} MODULE ${sources} "${TASKFS_ENTRY_SOURCE}")
  target_link_libraries(${target} PRIVATE taskfs::taskfs)
  set_target_properties(${target} PROPERTIES PREFIX "lib" SUFFIX ".so")

  set(fingerprint_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_fingerprints")
  set(task_args)
  set(headers)
  foreach(source IN LISTS sources)
    get_filename_component(abs "${source}" ABSOLUTE)
    string(MAKE_C_IDENTIFIER "${source}" id)
    set(header "${fingerprint_dir}/${id}.h")
    list(APPEND headers "${header}")
    list(APPEND task_args --task "${abs}" "${header}")
    set_property(SOURCE "${source}" APPEND PROPERTY COMPILE_OPTIONS "-include" "${header}")
    set_property(SOURCE "${source}" APPEND PROPERTY OBJECT_DEPENDS "${header}")
  endforeach()
  # -D/-U of the global flags; the rest of them (-O2, -g) changes no result.
  string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
  separate_arguments(global_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${build_type}}")
  list(FILTER global_flags INCLUDE REGEX "^-[DU].")
  list(TRANSFORM global_flags PREPEND "--flag=")
  # Runs on every build; a header is rewritten only when its fingerprint changes.
  # Definitions and options are generator expressions: those set after this
  # call, and those of linked targets, count too.
  add_custom_target(${target}_fingerprints
    COMMAND taskfs::fingerprint --root "${PROJECT_SOURCE_DIR}" --base "${CMAKE_CURRENT_SOURCE_DIR}"
            "-I$<JOIN:$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>,;-I>"
            "--flag=-D$<JOIN:$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>,;--flag=-D>"
            "--flag=$<JOIN:$<TARGET_PROPERTY:${target},COMPILE_OPTIONS>,;--flag=>"
            ${global_flags}
            ${task_args} "$<TARGET_PROPERTY:${target},SOURCES>"
    BYPRODUCTS ${headers}
    COMMAND_EXPAND_LISTS
    COMMENT "taskfs: fingerprinting the sources of ${target}"
    VERBATIM)
  add_dependencies(${target} ${target}_fingerprints)
endfunction()
