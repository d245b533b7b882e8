# libpng for the Windows build: Debian ships none for mingw, so Debian's own
# source package (libpng1.6, with Debian's patches) is fetched at build time
# and cross-built as a static library with libpng's CMake. Everything lives in
# the build tree (cached across rebuilds); nothing is committed.
include(ExternalProject)

set(VDA_ZLIB_LIBRARY /usr/${VDA_MINGW_TRIPLE}/lib/libz.a)
set(VDA_ZLIB_INCLUDE_DIR /usr/${VDA_MINGW_TRIPLE}/include)
if(NOT EXISTS ${VDA_ZLIB_LIBRARY})
  message(FATAL_ERROR "${VDA_ZLIB_LIBRARY} not found: run scripts/bootstrap.sh "
    "(Debian package libz-mingw-w64-dev)")
endif()

set(VDA_LIBPNG_ROOT ${CMAKE_BINARY_DIR}/_deps/libpng)
set(VDA_LIBPNG_PREFIX ${VDA_LIBPNG_ROOT}/install)
set(VDA_LIBPNG_LIBRARY ${VDA_LIBPNG_PREFIX}/lib/libpng16.a)

ExternalProject_Add(libpng_ext
  PREFIX ${VDA_LIBPNG_ROOT}/ep
  SOURCE_DIR ${VDA_LIBPNG_ROOT}/src
  DOWNLOAD_COMMAND ${CMAKE_SOURCE_DIR}/scripts/fetch-libpng.sh ${VDA_LIBPNG_ROOT}
  UPDATE_COMMAND ""
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_INSTALL_PREFIX=${VDA_LIBPNG_PREFIX}
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_EXECUTABLES=OFF -DPNG_TESTS=OFF
    -DSKIP_INSTALL_PROGRAMS=ON -DSKIP_INSTALL_FILES=ON
    -DZLIB_LIBRARY=${VDA_ZLIB_LIBRARY}
    -DZLIB_INCLUDE_DIR=${VDA_ZLIB_INCLUDE_DIR}
  BUILD_BYPRODUCTS ${VDA_LIBPNG_LIBRARY}
  LOG_DOWNLOAD ON LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON
  LOG_OUTPUT_ON_FAILURE ON)

file(MAKE_DIRECTORY ${VDA_LIBPNG_PREFIX}/include)
add_library(vda_png STATIC IMPORTED GLOBAL)
set_target_properties(vda_png PROPERTIES
  IMPORTED_LOCATION ${VDA_LIBPNG_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES "${VDA_LIBPNG_PREFIX}/include;${VDA_ZLIB_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES ${VDA_ZLIB_LIBRARY})
add_dependencies(vda_png libpng_ext)
