# Shared part of the mingw-w64 toolchain files. Debian's posix-threads
# variant is not needed: we use Win32 threads directly.
set(CMAKE_C_COMPILER ${VDA_MINGW_TRIPLE}-gcc)
set(CMAKE_RC_COMPILER ${VDA_MINGW_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${VDA_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Windows unit tests run under Wine through ctest.
find_program(VDA_WINE NAMES wine wine64)
if(VDA_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VDA_WINE})
endif()
