# install.cross_kernel: install ptgen into a scratch prefix, then cross-build tests/cross-kernel
# from that prefix alone (find_package, the installed toolchain file, ptgen_boot_linker_fragment)
# and boot it in QEMU.
#
# cmake -DBUILD_DIR=<ptgen build> -DPREFIX=<scratch prefix> -DWORK_DIR=<scratch build>
#       -DKERNEL_DIR=<tests/cross-kernel> -DGENERATOR=<generator> [-DMAKE_PROGRAM=<ninja>]
#       -DQEMU=<qemu-system-riscv64> -DQEMU_RUN=<examples/common/qemu-run.sh>
#       -P InstallCrossKernelTest.cmake

foreach(var BUILD_DIR PREFIX WORK_DIR KERNEL_DIR GENERATOR QEMU QEMU_RUN)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "InstallCrossKernelTest.cmake: -D${var}=... is required")
    endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/PtgenTestStep.cmake")
macro(step what)
    ptgen_test_step(install.cross_kernel "${what}" ${ARGN})
endmacro()

file(REMOVE_RECURSE "${WORK_DIR}")
ptgen_test_install(install.cross_kernel "${BUILD_DIR}" "${PREFIX}" ""
    share/cmake/ptgen/toolchains/riscv64.cmake share/cmake/ptgen/PtgenBoot.cmake
    share/cmake/ptgen/PtgenGenerate.cmake bin/ptgen-gen
    share/cmake/ptgen/toolchains/freestanding/libcxx/__config_site)
set(toolchain "${PREFIX}/share/cmake/ptgen/toolchains/riscv64.cmake")
set(make_program "${ptgen_test_make_program}")
step("configure the kernel from the prefix"
    "${CMAKE_COMMAND}" -S "${KERNEL_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}" ${make_program}
        "-DCMAKE_TOOLCHAIN_FILE=${toolchain}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
        "-Dptgen_ROOT=${PREFIX}")
step("build the kernel" "${CMAKE_COMMAND}" --build "${WORK_DIR}")
step("show the generated linker fragment" "${CMAKE_COMMAND}" -E cat "${WORK_DIR}/ptgen-boot.ld")
# The installed ptgen-gen built, from layout.toml, the tables the compiler built from layout.hpp.
step("extract the kernel's .ptgen.boot"
    llvm-objcopy-22 -O binary --only-section=.ptgen.boot "${WORK_DIR}/kernel.elf" "${WORK_DIR}/kernel-tables.bin")
step("compare with the installed generator's tables"
    "${CMAKE_COMMAND}" -E compare_files "${WORK_DIR}/kernel-tables.bin" "${WORK_DIR}/gen/generated.bin")
step("boot it in QEMU"
    bash "${QEMU_RUN}" 0 60 "${QEMU}" -machine virt -m 128M -nographic -bios none
        -kernel "${WORK_DIR}/kernel.elf")
