# Settings for every Windows executable we ship: static runtime (no DLLs
# beside the .exe), hardened PE flags, wide-char Win32 APIs.
add_compile_definitions(UNICODE _UNICODE WIN32_LEAN_AND_MEAN
  _WIN32_WINNT=0x0601 WINVER=0x0601 __USE_MINGW_ANSI_STDIO=1)

set(VDA_WIN_LINK_FLAGS -static -static-libgcc
  -Wl,--dynamicbase -Wl,--nxcompat)
if(CMAKE_SIZEOF_VOID_P EQUAL 8)
  list(APPEND VDA_WIN_LINK_FLAGS -Wl,--high-entropy-va)
else()
  # 32-bit: large-address-aware is the hardening-adjacent default worth having.
  list(APPEND VDA_WIN_LINK_FLAGS -Wl,--large-address-aware)
endif()

# Version numbers for resources, from the single VERSION file.
set(VDA_VERSION_COMMA "${PROJECT_VERSION_MAJOR},${PROJECT_VERSION_MINOR},${PROJECT_VERSION_PATCH},0")

# vda_windows_exe(target SOURCES... [GUI]) : a hardened, static, versioned exe.
function(vda_windows_exe target)
  cmake_parse_arguments(A "GUI" "DESCRIPTION;MANIFEST" "SOURCES;LIBS" ${ARGN})
  set(VDA_FILE_DESCRIPTION "${A_DESCRIPTION}")
  set(VDA_ORIGINAL_FILENAME "${target}.exe")
  set(VDA_MANIFEST_PATH "${CMAKE_SOURCE_DIR}/cmake/app.manifest")
  configure_file(${CMAKE_SOURCE_DIR}/cmake/version.rc.in
    ${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc @ONLY)
  add_executable(${target} ${A_SOURCES} ${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc)
  vda_strict(${target})
  target_link_options(${target} PRIVATE ${VDA_WIN_LINK_FLAGS} -municode)
  if(A_GUI)
    target_link_options(${target} PRIVATE -mwindows)
  endif()
  target_link_libraries(${target} PRIVATE ${A_LIBS})
endfunction()
