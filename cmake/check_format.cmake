# Fails when a C source or header of the project differs from .clang-format's
# style (the project's one style). Run by ctest in the native build.
execute_process(COMMAND git -C ${ROOT} ls-files -co --exclude-standard *.c *.h
                OUTPUT_VARIABLE files OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "git ls-files failed in ${ROOT}")
endif()
string(REPLACE "\n" ";" files "${files}")
list(LENGTH files n)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${files} WORKING_DIRECTORY ${ROOT}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  string(SUBSTRING "${err}" 0 3000 err)
  message(FATAL_ERROR "not in the project's style (run clang-format -i on them):\n${err}")
endif()
message(STATUS "${n} C files in the project's style")
