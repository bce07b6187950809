# Cross toolchain for the i386 test kernels (QEMU pc, 32-bit protected mode): i686 code, no
# MMX/SSE in kernel code (the trap handler saves general registers only; no floating point is used), no PIC.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/i386.cmake ...
set(CMAKE_SYSTEM_PROCESSOR i386)
set(PTGEN_KERNEL_ARCH i386)
set(PTGEN_CROSS_TARGET i386-unknown-none-elf)
set(PTGEN_CROSS_FLAGS -march=i686 -mno-mmx -mno-sse -mno-sse2 -fno-pic -fno-pie)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
