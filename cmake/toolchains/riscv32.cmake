# Cross toolchain for the RISC-V RV32 test kernel (QEMU virt, Sv32).
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/riscv32.cmake ...
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(PTGEN_KERNEL_ARCH riscv32)
set(PTGEN_CROSS_TARGET riscv32-unknown-elf)
set(PTGEN_CROSS_FLAGS -march=rv32gc -mabi=ilp32d -mcmodel=medany)
include("${CMAKE_CURRENT_LIST_DIR}/ptgen-freestanding.cmake")
