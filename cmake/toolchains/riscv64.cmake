# Cross toolchain for the riscv64 test kernels (QEMU virt): RV64GC, LP64D, medany code model.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/riscv64.cmake ...
# The header route and the linker are described in ptgen-freestanding.cmake.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(PTGEN_KERNEL_ARCH riscv64)
set(PTGEN_CROSS_TARGET riscv64-unknown-elf)
set(PTGEN_CROSS_FLAGS -march=rv64gc -mabi=lp64d -mcmodel=medany)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
