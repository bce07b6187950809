# Cross toolchain for the loongarch64 test kernel (QEMU virt): LA64, soft-float kernel code
# (the exception handler saves general registers only).
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/loongarch64.cmake ...
set(CMAKE_SYSTEM_PROCESSOR loongarch64)
set(PTGEN_KERNEL_ARCH loongarch64)
set(PTGEN_CROSS_TARGET loongarch64-unknown-elf)
set(PTGEN_CROSS_FLAGS -march=la64v1.0 -mabi=lp64s -msoft-float)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
