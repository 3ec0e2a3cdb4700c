# ozgbus_discover_tests(TARGET PREFIX prefix [PROPERTIES ...]): one ctest entry per doctest case,
# whatever its name. doctest's own doctest_discover_tests() keeps names in CMake lists, so a
# name with ';' became two entries that matched nothing and passed. Here the names are listed
# after each build (POST_BUILD), written with bracket arguments, and every entry runs with
# --ozgbus-exactly-one-case: tests/main.cpp fails it unless exactly one case ran.
set(OZGBUS_DISCOVER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/write_doctest_ctest_file.cmake)

function(ozgbus_discover_tests target)
  cmake_parse_arguments(ARG "" "PREFIX" "PROPERTIES" ${ARGN})
  set(ctest_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_cases.cmake)
  # Words, space-separated: a CMake list would become several arguments of the command.
  list(JOIN ARG_PROPERTIES " " properties)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
            -D EXECUTABLE=$<TARGET_FILE:${target}>
            -D PREFIX=${ARG_PREFIX}
            "-DPROPERTIES=${properties}"
            -D WORKING_DIR=${CMAKE_CURRENT_BINARY_DIR}
            -D OUTPUT=${ctest_file}
            -P ${OZGBUS_DISCOVER_SCRIPT}
    BYPRODUCTS ${ctest_file}
    VERBATIM)
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${ctest_file})
endfunction()
