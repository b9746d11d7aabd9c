# CMake toolchain file: farmgate for 64-bit ARM boards (Debian arm64, e.g. Raspberry Pi 4/5
# with a 64-bit OS, Rock/Orange Pi). Needs a sysroot from `cross/make-sysroot arm64 DIR`:
#   cmake -S . -B build-cross-arm64 -DCMAKE_TOOLCHAIN_FILE=cross/aarch64.cmake -DFARMGATE_SYSROOT=DIR
# cross/build-deb arm64 does all of it.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(FARMGATE_TRIPLET aarch64-linux-gnu)
set(FARMGATE_GNU_PREFIX aarch64-linux-gnu-)
set(FARMGATE_QEMU qemu-aarch64)
set(FARMGATE_DEB_ARCH arm64)
include(${CMAKE_CURRENT_LIST_DIR}/sysroot.cmake)
