# Proves check_call_cycles.cmake: compiles three tiny files, where a and b
# call each other and c only calls a, with the tree's compiler, then expects
# the check to fail on {a, b} naming both and the functions, and to pass on
# {a, c}. (i686 symbols carry a leading underscore.)
#
#   cmake -DCC=<compiler> -DNM=<nm> -DWORK=<dir> -P check_call_cycles_selftest.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT CC OR NOT NM OR NOT WORK)
  message(FATAL_ERROR "usage: cmake -DCC=<cc> -DNM=<nm> -DWORK=<dir> -P check_call_cycles_selftest.cmake")
endif()
set(check "${CMAKE_CURRENT_LIST_DIR}/check_call_cycles.cmake")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/cyc_a.c" "int cyc_b_fn(int);\nint cyc_a_fn(int x) { return x > 0 ? cyc_b_fn(x - 1) : 0; }\n")
file(WRITE "${WORK}/cyc_b.c" "int cyc_a_fn(int);\nint cyc_b_fn(int x) { return cyc_a_fn(x) + 1; }\n")
file(WRITE "${WORK}/cyc_c.c" "int cyc_a_fn(int);\nint cyc_c_fn(int x) { return cyc_a_fn(x); }\n")
foreach(f cyc_a cyc_b cyc_c)
  execute_process(COMMAND "${CC}" -c "${WORK}/${f}.c" -o "${WORK}/${f}.c.obj"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "selftest: cannot compile ${f}.c: ${err}")
  endif()
endforeach()

execute_process(COMMAND "${CMAKE_COMMAND}" -DNM=${NM}
                        "-DOBJECTS=${WORK}/cyc_a.c.obj|${WORK}/cyc_b.c.obj" -DWHAT=selftest -P ${check}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "selftest: a.c and b.c call each other, yet the check passed:\n${out}${err}")
endif()
if(NOT err MATCHES "cyc_a\\.c uses cyc_b\\.c's _?cyc_b_fn and cyc_b\\.c uses cyc_a\\.c's _?cyc_a_fn")
  message(FATAL_ERROR "selftest: the check failed without naming the pair:\n${err}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" -DNM=${NM}
                        "-DOBJECTS=${WORK}/cyc_a.c.obj|${WORK}/cyc_c.c.obj" -DWHAT=selftest -P ${check}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "selftest: c.c only calls a.c, yet the check failed:\n${err}")
endif()
message(STATUS "check_call_cycles: a cycle is reported with its pair, a one-way call passes")
