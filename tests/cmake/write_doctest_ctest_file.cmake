# Run at build time by ozgbus_discover_tests(): lists the test cases of EXECUTABLE and writes
# OUTPUT, a CTest script with one add_test per case. ';' would split CMake lists, so it travels
# as a placeholder until the name is written inside a bracket argument.
execute_process(COMMAND "${EXECUTABLE}" --list-test-cases --no-version=true
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} --list-test-cases failed (${rc}):\n${listing}")
endif()
set(semicolon "@OZGBUS_SEMICOLON@")
string(REPLACE ";" "${semicolon}" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES "^=+$" OR line MATCHES "^\\[doctest\\] ")
    continue()
  endif()
  string(REPLACE "${semicolon}" ";" name "${line}")
  # A filter treats '*' and '?' as wildcards and '\' as an escape: such a name could match other
  # cases, or none. The bracket argument below ends at "]==]".
  if(name MATCHES "[*?\\\\]" OR name MATCHES "]==]")
    message(FATAL_ERROR "test case name not allowed (contains * ? \\ or ]==]): ${name}")
  endif()
  # doctest splits --test-case filters at unescaped commas.
  string(REPLACE "," "\\," filter "${name}")
  string(APPEND script
    "add_test([==[${PREFIX}${name}]==] [==[${EXECUTABLE}]==] [==[--test-case=${filter}]==] --ozgbus-exactly-one-case)\n"
    "set_tests_properties([==[${PREFIX}${name}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIR}]==] ${PROPERTIES})\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} lists no test cases")
endif()
file(WRITE "${OUTPUT}" "${script}")
