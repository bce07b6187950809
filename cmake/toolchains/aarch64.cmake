# Cross toolchain for the aarch64 test kernels (QEMU virt, -cpu max): ARMv8-A, no FP/SIMD in
# kernel code (-mgeneral-regs-only: the trap handler saves general registers only).
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64.cmake ...
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PTGEN_KERNEL_ARCH aarch64)
set(PTGEN_CROSS_TARGET aarch64-none-elf)
set(PTGEN_CROSS_FLAGS -march=armv8-a -mgeneral-regs-only -mstrict-align)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
