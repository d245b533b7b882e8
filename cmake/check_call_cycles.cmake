# Fails when two object files call each other: A uses a symbol defined in B
# and B one defined in A (a dependency cycle between two source files, which
# makes neither understandable or testable without the other).
#
#   cmake -DNM=<nm> -DOBJECTS=<a.obj|b.obj|...> [-DWHAT=vdservice]
#         -P check_call_cycles.cmake
#
# OBJECTS is separated by '|' (a CMake list would be split by ctest). For
# each object, `nm` gives the global symbols it defines (any type letter in
# upper case but U) and those it needs (U). Section and import helper
# symbols that start with '.' (mingw's .refptr.*) are not functions of ours
# and are ignored. Used by the vdservice_no_call_cycles test (label static,
# so it runs in both Windows trees) and proven by call_cycles_selftest.
cmake_minimum_required(VERSION 3.25)
if(NOT NM OR NOT OBJECTS)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DOBJECTS=<a|b|...> -P check_call_cycles.cmake")
endif()
if(NOT WHAT)
  set(WHAT "the objects")
endif()
string(REPLACE "|" ";" objects "${OBJECTS}")
list(FILTER objects INCLUDE REGEX "\\.(o|obj)$")
list(LENGTH objects nobj)
if(nobj LESS 2)
  message(FATAL_ERROR "check_call_cycles: ${nobj} object file(s) given for ${WHAT}: nothing to check (wrong OBJECTS?)")
endif()

set(names)
foreach(obj IN LISTS objects)
  get_filename_component(name "${obj}" NAME)
  string(REGEX REPLACE "\\.(o|obj)$" "" name "${name}")
  execute_process(COMMAND "${NM}" -g "${obj}" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "check_call_cycles: ${NM} -g ${obj} failed: ${err}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(needs_${name})
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*U[ \t]+([^. \t][^ \t]*)$")
      list(APPEND needs_${name} "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^[0-9a-fA-F]+[ \t]+([A-TV-Z])[ \t]+([^. \t][^ \t]*)$")
      set("def_${CMAKE_MATCH_2}" "${name}")
    endif()
  endforeach()
  list(APPEND names "${name}")
endforeach()

# edge_A_B: the first symbol (function or data) of B that A uses.
foreach(a IN LISTS names)
  foreach(sym IN LISTS needs_${a})
    set(b "${def_${sym}}")
    if(b AND NOT b STREQUAL a AND NOT DEFINED "edge_${a}_${b}")
      set("edge_${a}_${b}" "${sym}")
    endif()
  endforeach()
endforeach()

set(cycles)
set(nedges 0)
foreach(a IN LISTS names)
  foreach(b IN LISTS names)
    if(DEFINED "edge_${a}_${b}")
      math(EXPR nedges "${nedges} + 1")
      string(COMPARE LESS "${a}" "${b}" first)
      if(first AND DEFINED "edge_${b}_${a}")
        list(APPEND cycles "${a} uses ${b}'s ${edge_${a}_${b}} and ${b} uses ${a}'s ${edge_${b}_${a}}")
      endif()
    endif()
  endforeach()
endforeach()

if(cycles)
  string(REPLACE ";" "\n  " cycles "${cycles}")
  message(FATAL_ERROR "dependency cycle between source files of ${WHAT}:\n  ${cycles}\n"
    "Break it with a callback or an ops table (see vdservice/mux.h), or move the shared part into its own file.")
endif()
message(STATUS "${WHAT}: ${nobj} objects, ${nedges} calls between them, no two call each other")
