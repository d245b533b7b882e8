# spice-protocol headers from Debian's libspice-protocol-dev. They are plain
# headers, usable as-is by the native compiler and by mingw-w64.
find_path(SPICE_PROTOCOL_INCLUDE_DIR spice/vd_agent.h
  PATHS /usr/include/spice-1 NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
if(NOT SPICE_PROTOCOL_INCLUDE_DIR)
  message(FATAL_ERROR "spice-protocol headers not found in /usr/include/spice-1: "
    "run scripts/bootstrap.sh (Debian package libspice-protocol-dev)")
endif()
add_library(spice_protocol INTERFACE)
# SYSTEM: the headers are third-party and must not trip -Werror.
target_include_directories(spice_protocol SYSTEM INTERFACE ${SPICE_PROTOCOL_INCLUDE_DIR})
