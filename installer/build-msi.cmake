# Builds one MSI with wixl (cmake -P, called from installer/CMakeLists.txt).
#   -DWIXL= -DMSIBUILD= -DWXS= -DVERSION= -DARCH=x64|x86 -DSTAGE=<dir>
#   -DOUTPUT=<msi> -DVDSERVICE=<exe> [-DVDAGENT=<exe>]
# wixl resolves File/@Source relative to its working directory only (an
# absolute path fails), so the executables are staged next to each other.
foreach(v WIXL MSIBUILD WXS VERSION ARCH STAGE OUTPUT VDSERVICE)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "build-msi.cmake: ${v} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${STAGE}")
file(MAKE_DIRECTORY "${STAGE}")
file(COPY_FILE "${VDSERVICE}" "${STAGE}/vdservice.exe")
set(defines -D "Version=${VERSION}" -D "Arch=${ARCH}" -D "VdServiceExe=vdservice.exe")
if(DEFINED VDAGENT AND NOT VDAGENT STREQUAL "")
  file(COPY_FILE "${VDAGENT}" "${STAGE}/vdagent.exe")
  list(APPEND defines -D "VdAgentExe=vdagent.exe")
endif()

set(tmp "${OUTPUT}.tmp")
file(REMOVE "${tmp}")
execute_process(
  COMMAND "${WIXL}" -a "${ARCH}" ${defines} -o "${tmp}" "${WXS}"
  WORKING_DIRECTORY "${STAGE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT EXISTS "${tmp}")
  message(FATAL_ERROR "wixl failed (${rc}):\n${out}")
endif()

# wixl ignores UpgradeVersion/@IncludeMaximum: make the same-version row
# inclusive at both ends (769 = VersionMinInclusive | VersionMaxInclusive |
# MigrateFeatures), so reinstalling a rebuild of the same version replaces
# the installed product instead of adding a second entry.
file(READ "${WXS}" wxs)
string(REGEX MATCH "define UpgradeCode = \"([0-9a-fA-F-]+)\"" _ "${wxs}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "build-msi.cmake: no <?define UpgradeCode = \"...\" ?> in ${WXS}")
endif()
string(TOUPPER "{${CMAKE_MATCH_1}}" upgrade_code)
foreach(q
    "DELETE FROM `Upgrade` WHERE `ActionProperty` = 'SAME_VERSION_DETECTED'"
    "INSERT INTO `Upgrade` (`UpgradeCode`, `VersionMin`, `VersionMax`, `Attributes`, `ActionProperty`) VALUES ('${upgrade_code}', '${VERSION}', '${VERSION}', 769, 'SAME_VERSION_DETECTED')")
  execute_process(COMMAND "${MSIBUILD}" "${tmp}" -q "${q}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "msibuild failed (${rc}) on: ${q}\n${out}")
  endif()
endforeach()

file(RENAME "${tmp}" "${OUTPUT}")
