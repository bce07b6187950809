# Cross toolchain for the armv7 test kernel (QEMU virt, cortex-a15): ARM state, soft-float ABI,
# no FP/NEON in kernel code.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/armv7.cmake ...
set(CMAKE_SYSTEM_PROCESSOR arm)
set(PTGEN_KERNEL_ARCH armv7)
set(PTGEN_CROSS_TARGET armv7a-none-eabi)
set(PTGEN_CROSS_FLAGS -mcpu=cortex-a15 -marm -mfloat-abi=soft -mfpu=none)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
