# SPDX-License-Identifier: GPL-2.0-or-later
# Debian package of the plugin: amftcp_<version>_<arch>.deb, which puts
# amftcp.so into the global plugin folder of the Wireshark it was built
# against and depends on exactly that Wireshark release (a plugin loads only
# into the major.minor it was built for).
#
#   cmake --build build --target package     # or: cd build && cpack -G DEB
#
# The package takes its files from the install component "system" only.
# That component is left out of a plain `cmake --install build`, which keeps
# installing into the user's personal plugin folder (AMFTCP_PLUGIN_DIR).
# Included from the top CMakeLists.txt after the amftcp target is defined.

if(NOT TARGET amftcp)
  return()
endif()

# The global plugin folder, relative to Wireshark's own prefix, so the
# package installs under that prefix (Debian: /usr) and a staging install
# never writes into the real system.
set(_amftcp_ws_prefix "${Wireshark_INSTALL_PREFIX}")
set(_amftcp_ws_plugins "${Wireshark_PLUGIN_INSTALL_DIR}")
string(LENGTH "${_amftcp_ws_prefix}/" _amftcp_prefix_len)
string(SUBSTRING "${_amftcp_ws_plugins}" 0 ${_amftcp_prefix_len} _amftcp_head)
if(NOT _amftcp_ws_prefix OR NOT _amftcp_ws_plugins OR NOT _amftcp_head STREQUAL "${_amftcp_ws_prefix}/")
  message(STATUS "amftcp packaging: Wireshark's plugin folder (${_amftcp_ws_plugins}) is not under its prefix "
                 "(${_amftcp_ws_prefix}); no package target")
  return()
endif()
string(SUBSTRING "${_amftcp_ws_plugins}" ${_amftcp_prefix_len} -1 _amftcp_plugins_rel)
set(AMFTCP_SYSTEM_PLUGIN_DIR "${_amftcp_ws_plugins}/epan" CACHE INTERNAL
    "Where the Debian package puts amftcp.so")

install(TARGETS amftcp
  LIBRARY DESTINATION "${_amftcp_plugins_rel}/epan"
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT system EXCLUDE_FROM_ALL)
install(FILES "${CMAKE_CURRENT_LIST_DIR}/../README.md"
  DESTINATION "share/doc/amftcp"
  COMPONENT system EXCLUDE_FROM_ALL)

# The Debian package that ships the libwireshark we link: its name carries
# the soname (libwireshark16 on Debian 12), so ask dpkg who owns the file.
get_target_property(_amftcp_epan_configs epan IMPORTED_CONFIGURATIONS)
set(_amftcp_epan_file "")
set(_amftcp_epan_soname "")
foreach(_config IN LISTS _amftcp_epan_configs)
  get_target_property(_amftcp_epan_file epan IMPORTED_LOCATION_${_config})
  get_target_property(_amftcp_epan_soname epan IMPORTED_SONAME_${_config})
  if(_amftcp_epan_file)
    break()
  endif()
endforeach()
set(_amftcp_libpkg "")
find_program(AMFTCP_DPKG_QUERY dpkg-query)
if(AMFTCP_DPKG_QUERY AND _amftcp_epan_file)
  get_filename_component(_amftcp_epan_real "${_amftcp_epan_file}" REALPATH)
  execute_process(COMMAND "${AMFTCP_DPKG_QUERY}" -S "${_amftcp_epan_real}"
    OUTPUT_VARIABLE _amftcp_owner ERROR_QUIET RESULT_VARIABLE _amftcp_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_amftcp_rc EQUAL 0)
    string(REGEX REPLACE "^([^:, ]+).*" "\\1" _amftcp_libpkg "${_amftcp_owner}")
  endif()
endif()
if(NOT _amftcp_libpkg AND _amftcp_epan_soname MATCHES "^libwireshark\\.so\\.([0-9]+)$")
  # Not installed by dpkg: Debian's naming rule from the soname.
  set(_amftcp_libpkg "libwireshark${CMAKE_MATCH_1}")
endif()
if(NOT _amftcp_libpkg)
  set(_amftcp_libpkg "libwireshark-data")
  message(WARNING "amftcp packaging: cannot tell which package ships libwireshark; "
                  "the package depends on ${_amftcp_libpkg} instead")
endif()
math(EXPR _amftcp_next_minor "${Wireshark_MINOR_VERSION} + 1")
set(AMFTCP_DEB_DEPENDS
  "${_amftcp_libpkg} (>= ${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}), ${_amftcp_libpkg} (<< ${Wireshark_MAJOR_VERSION}.${_amftcp_next_minor})"
  CACHE INTERNAL "Depends of the Debian package")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "amftcp")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "amftcp")
set(CPACK_PACKAGE_CONTACT "amftcp developers <amftcp@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark dissector for AMF0/AMF3 over plain TCP")
set(CPACK_PACKAGE_DESCRIPTION "A Wireshark and tshark plugin that finds and decodes AMF0/AMF3
(Action Message Format) sent over plain TCP sockets on any port:
Flash/AIR Socket traffic, game and chat servers, BlazeDS/Red5-style
back ends.  Built for Wireshark ${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${_amftcp_ws_prefix}")
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};amftcp;system;/")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${AMFTCP_DEB_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/package")
include(CPack)
