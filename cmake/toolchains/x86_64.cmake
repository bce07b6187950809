# Cross toolchain for the x86_64 test kernel (QEMU pc): 64-bit code linked below 2 GiB, no red
# zone (traps push onto the kernel stack), no SSE (the trap handler saves general registers only).
# The kernel is linked as ELF64 and converted to an ELF32 container for QEMU's multiboot loader
# (examples/x86_64/CMakeLists.txt).
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/x86_64.cmake ...
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PTGEN_KERNEL_ARCH x86_64)
set(PTGEN_CROSS_TARGET x86_64-unknown-none-elf)
set(PTGEN_CROSS_FLAGS -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -fno-pic -fno-pie)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
