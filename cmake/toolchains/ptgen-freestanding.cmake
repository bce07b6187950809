# The cross toolchain of ptgen's test kernels, shared by cmake/toolchains/<arch>.cmake.
# An <arch>.cmake file sets PTGEN_CROSS_TARGET (clang's --target), PTGEN_CROSS_FLAGS (ABI and
# code model) and PTGEN_KERNEL_ARCH (which examples/<arch>/ to build), then includes this file.
#
# Compiler and linker: Debian's clang-22 and lld-22 (packages clang-22, lld-22).
#   clang++-22 --target=<triple> -ffreestanding -fno-exceptions -fno-rtti -nostdlib
#   ld.lld-22 -T <kernel's linker script> (called directly: the clang driver falls back to the
#   host's gcc to link for some bare-metal triples, loongarch64-unknown-elf among them)
#
# C++ standard headers: Debian's libc++ headers (package libc++-22-dev), the one C++ library on
# Debian whose headers are target independent. The host's libstdc++ does not work for a
# bare-metal triple (bits/c++config.h includes glibc's features.h, then gnu/stubs-32.h), and
# Debian 12 has cross libstdc++ packages for some of the targets only (none for loongarch64).
# What libc++ needs from us is small and lives in cmake/toolchains/freestanding/:
#   libcxx/__config_site  libc++'s configuration: Debian's ABI settings, no threads, clocks,
#                         locales, filesystem or wide characters, hardening off, and
#                         _LIBCPP_REMOVE_TRANSITIVE_INCLUDES (so <array> does not pull in
#                         <stdexcept> -> <cstdlib>). It comes before libc++'s own directory.
#   libc/string.h         memcpy, memmove, memset, memcmp: the four functions every freestanding
#                         program provides anyway (the compiler emits calls to them).
#   libc/time.h           time_t, for a declaration in <atomic>'s chrono back-off.
# -nostdlibinc drops /usr/include (glibc) but keeps clang's own freestanding headers
# (<stddef.h>, <stdint.h>, <stdatomic.h>...). ptgen's headers are used unchanged.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_CROSSCOMPILING TRUE)

find_program(PTGEN_CROSS_CXX NAMES clang++-22 REQUIRED)
find_program(PTGEN_CROSS_CC NAMES clang-22 REQUIRED)
find_program(PTGEN_CROSS_LD NAMES ld.lld-22 REQUIRED)
find_path(PTGEN_LIBCXX_INCLUDE_DIR NAMES __config version
    PATHS /usr/lib/llvm-22/include/c++/v1
    NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
if(NOT PTGEN_LIBCXX_INCLUDE_DIR)
    message(FATAL_ERROR "libc++ headers not found in /usr/lib/llvm-22/include/c++/v1 (apt-get install libc++-22-dev)")
endif()

set(CMAKE_CXX_COMPILER "${PTGEN_CROSS_CXX}")
set(CMAKE_C_COMPILER "${PTGEN_CROSS_CC}")
set(CMAKE_ASM_COMPILER "${PTGEN_CROSS_CC}")
set(CMAKE_CXX_COMPILER_TARGET "${PTGEN_CROSS_TARGET}")
set(CMAKE_C_COMPILER_TARGET "${PTGEN_CROSS_TARGET}")
set(CMAKE_ASM_COMPILER_TARGET "${PTGEN_CROSS_TARGET}")
set(CMAKE_LINKER "${PTGEN_CROSS_LD}")
# Nothing can be linked and run before the kernel's own linker script exists.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_ptgen_fs "${CMAKE_CURRENT_LIST_DIR}/freestanding")
string(JOIN " " _ptgen_cxx_flags
    ${PTGEN_CROSS_FLAGS}
    -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-threadsafe-statics
    -fno-asynchronous-unwind-tables -fno-unwind-tables
    -nostdlibinc -nostdinc++
    -isystem "${_ptgen_fs}/libcxx" -isystem "${PTGEN_LIBCXX_INCLUDE_DIR}" -isystem "${_ptgen_fs}/libc")
set(CMAKE_CXX_FLAGS_INIT "${_ptgen_cxx_flags}")
string(JOIN " " _ptgen_target_flags ${PTGEN_CROSS_FLAGS})
set(CMAKE_C_FLAGS_INIT "${_ptgen_target_flags} -ffreestanding -nostdlib")
set(CMAKE_ASM_FLAGS_INIT "${_ptgen_target_flags}")
unset(_ptgen_target_flags)
unset(_ptgen_cxx_flags)
unset(_ptgen_fs)

# Link with ld.lld-22 itself; a kernel adds -T <script> (and -m <emulation> if needed).
set(CMAKE_CXX_LINK_EXECUTABLE "<CMAKE_LINKER> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set(CMAKE_C_LINK_EXECUTABLE "<CMAKE_LINKER> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
