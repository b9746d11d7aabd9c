# Shared part of cross/aarch64.cmake and cross/armhf.cmake (the sysroot route of
# ../shared/toolchain-notes.md). Expects FARMGATE_TRIPLET, FARMGATE_QEMU and FARMGATE_GNU_PREFIX.
#
# The sysroot (cross/make-sysroot ARCH DIR) comes from -DFARMGATE_SYSROOT=DIR or the
# environment variable FARMGATE_SYSROOT. CMake reads a toolchain file again for every
# try_compile, so the value is forwarded there and kept in the environment.
if(NOT FARMGATE_SYSROOT)
  set(FARMGATE_SYSROOT "$ENV{FARMGATE_SYSROOT}")
endif()
if(NOT FARMGATE_SYSROOT OR NOT EXISTS "${FARMGATE_SYSROOT}/usr/include")
  message(FATAL_ERROR "farmgate cross build: set FARMGATE_SYSROOT (-D or environment) to a "
                      "sysroot made by cross/make-sysroot (got '${FARMGATE_SYSROOT}')")
endif()
set(ENV{FARMGATE_SYSROOT} "${FARMGATE_SYSROOT}")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FARMGATE_SYSROOT)

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_LIBRARY_ARCHITECTURE ${FARMGATE_TRIPLET})
set(CMAKE_C_COMPILER ${FARMGATE_GNU_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${FARMGATE_GNU_PREFIX}g++)
set(CMAKE_SYSROOT "${FARMGATE_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${FARMGATE_SYSROOT}")
# Libraries, headers and CMake packages only from the sysroot; programs (pkg-config, python)
# only from the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# The host's pkg-config, reading only the target's .pc files and prefixing their paths.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${FARMGATE_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${FARMGATE_SYSROOT}/usr/lib/${FARMGATE_TRIPLET}/pkgconfig:${FARMGATE_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# binfmt_misc is not mounted on build machines like ours: ctest and catch_discover_tests run
# target binaries through the emulator, whose dynamic loader and libraries come from the sysroot.
set(CMAKE_CROSSCOMPILING_EMULATOR ${FARMGATE_QEMU} -L "${FARMGATE_SYSROOT}")

# The .deb's architecture (CPack DEB reads it; dpkg on the build machine would say amd64).
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${FARMGATE_DEB_ARCH} CACHE STRING "")
