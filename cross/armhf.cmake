# CMake toolchain file: farmgate for 32-bit ARM boards (Debian armhf: ARMv7 with hard float,
# e.g. Raspberry Pi 2/3 on a 32-bit OS, BeagleBone). Needs `cross/make-sysroot armhf DIR`:
#   cmake -S . -B build-cross-armhf -DCMAKE_TOOLCHAIN_FILE=cross/armhf.cmake -DFARMGATE_SYSROOT=DIR
set(CMAKE_SYSTEM_PROCESSOR arm)
set(FARMGATE_TRIPLET arm-linux-gnueabihf)
set(FARMGATE_GNU_PREFIX arm-linux-gnueabihf-)
set(FARMGATE_QEMU qemu-arm)
set(FARMGATE_DEB_ARCH armhf)
# GCC notes ABI changes of GCC 7.1 for std::map/std::pair of doubles on every such use
# ("parameter passing ... changed"); nothing here links against code built by GCC < 7.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
include(${CMAKE_CURRENT_LIST_DIR}/sysroot.cmake)
