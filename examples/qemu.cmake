# The test kernels: cross builds (ExternalProject, one per architecture, with the toolchain
# files of cmake/toolchains/) and their CTest tests qemu.<format>, each booting a kernel in QEMU.
# Included from examples/CMakeLists.txt when PTGEN_BUILD_KERNELS is ON. Everything is skipped,
# with a message, when clang++-22, ld.lld-22, libc++-22-dev or the QEMU binaries are missing
# (cmake/ensure-packages.sh installs them).
#
# Tests:
#   qemu.<format>            the kernel boots on its compile-time tables and passes every check
#   qemu.<format>.break-pte  the same kernel with one boot-table leaf wrong: must fail (WILL_FAIL)
#                            (the SMP kernels, <format>-smp: with a TLB invalidation that misses
#                            the other CPUs)
#   qemu.c-kernel.<arch>     a C kernel (examples/c-kernels/, riscv64 and aarch64) booting on the
#                            assembly tables ptgen-gen writes from its layout.toml (needs ptgen_gen)

include(ExternalProject)

find_program(PTGEN_CLANGXX_22 clang++-22)
find_program(PTGEN_LLD_22 ld.lld-22)
find_path(PTGEN_LIBCXX_22 NAMES __config PATHS /usr/lib/llvm-22/include/c++/v1 NO_DEFAULT_PATH)
if(NOT PTGEN_CLANGXX_22 OR NOT PTGEN_LLD_22 OR NOT PTGEN_LIBCXX_22)
    message(STATUS "ptgen kernels: skipped (need clang++-22, ld.lld-22 and libc++-22-dev)")
    return()
endif()

set(PTGEN_QEMU_RUN "${CMAKE_CURRENT_SOURCE_DIR}/common/qemu-run.sh")
set(PTGEN_QEMU_TIMEOUT 60 CACHE STRING "Seconds one QEMU boot of a test kernel may take")

# ptgen_kernel_arch(<arch> <qemu binary>): builds examples/<arch>/ when that QEMU exists.
function(ptgen_kernel_arch arch qemu)
    find_program(PTGEN_QEMU_${arch} ${qemu})
    if(NOT PTGEN_QEMU_${arch})
        message(STATUS "ptgen kernels: ${arch} skipped (${qemu} not found)")
        return()
    endif()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/kernels/${arch}")
    ExternalProject_Add(ptgen_kernels_${arch}
        SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/kernels"
        BINARY_DIR "${dir}"
        CMAKE_GENERATOR "${CMAKE_GENERATOR}"
        CMAKE_ARGS
            "-DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchains/${arch}.cmake"
            -DCMAKE_BUILD_TYPE=Release
        # One job per architecture: the outer build runs several of them (and the tests) at once.
        BUILD_COMMAND "${CMAKE_COMMAND}" --build "${dir}" -j 1
        BUILD_ALWAYS TRUE
        INSTALL_COMMAND ""
        EXCLUDE_FROM_ALL FALSE)
    set(PTGEN_KERNELS_${arch} "${dir}/${arch}" PARENT_SCOPE)
    set(PTGEN_QEMU_${arch} "${PTGEN_QEMU_${arch}}" PARENT_SCOPE)
endfunction()

# ptgen_qemu_test(<format> <arch> <pass status> <qemu args...>): qemu.<format> and
# qemu.<format>.break-pte, booting <format>.elf / <format>-break-pte.elf.
function(ptgen_qemu_test format arch pass_status)
    if(NOT PTGEN_KERNELS_${arch})
        return()
    endif()
    foreach(variant IN ITEMS "" "-break-pte")
        set(kernel "${PTGEN_KERNELS_${arch}}/${format}${variant}.elf")
        string(REPLACE "-break-pte" ".break-pte" test_suffix "${variant}")
        add_test(NAME qemu.${format}${test_suffix}
            COMMAND bash "${PTGEN_QEMU_RUN}" ${pass_status} ${PTGEN_QEMU_TIMEOUT}
                    "${PTGEN_QEMU_${arch}}" ${ARGN} -kernel "${kernel}")
        set_tests_properties(qemu.${format}${test_suffix} PROPERTIES
            LABELS "qemu"
            TIMEOUT 180
            REQUIRED_FILES "${kernel}")
        if(variant)
            set_tests_properties(qemu.${format}${test_suffix} PROPERTIES WILL_FAIL TRUE)
        endif()
    endforeach()
endfunction()

# ptgen_c_kernel_test(<arch> <pass status> <qemu args...>): builds examples/c-kernels/ for <arch>
# (its tables generated at build time by this tree's ptgen-gen) and adds qemu.c-kernel.<arch>,
# booting <arch>/c-kernel.elf. Only when the <arch> kernels are built and ptgen_gen exists.
function(ptgen_c_kernel_test arch pass_status)
    if(NOT PTGEN_KERNELS_${arch})
        return()
    endif()
    if(NOT TARGET ptgen_gen)
        message(STATUS "ptgen C kernels: ${arch} skipped (no ptgen_gen target: PTGEN_BUILD_TOOLS is OFF or its packages are missing)")
        return()
    endif()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/c-kernels/${arch}")
    ExternalProject_Add(ptgen_c_kernels_${arch}
        SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/c-kernels"
        BINARY_DIR "${dir}"
        CMAKE_GENERATOR "${CMAKE_GENERATOR}"
        CMAKE_ARGS
            "-DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchains/${arch}.cmake"
            "-DPTGEN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
            "-DPTGEN_GEN=$<TARGET_FILE:ptgen_gen>"
        BUILD_COMMAND "${CMAKE_COMMAND}" --build "${dir}" -j 1
        BUILD_ALWAYS TRUE
        INSTALL_COMMAND ""
        DEPENDS ptgen_gen
        EXCLUDE_FROM_ALL FALSE)
    set(kernel "${dir}/${arch}/c-kernel.elf")
    add_test(NAME qemu.c-kernel.${arch}
        COMMAND bash "${PTGEN_QEMU_RUN}" ${pass_status} ${PTGEN_QEMU_TIMEOUT}
                "${PTGEN_QEMU_${arch}}" ${ARGN} -kernel "${kernel}")
    set_tests_properties(qemu.c-kernel.${arch} PROPERTIES
        LABELS "qemu"
        TIMEOUT 180
        REQUIRED_FILES "${kernel}")
endfunction()

# -icount shift=0: one virtual nanosecond per instruction, and the guests' instruction
# counters (rdinstret, PMU events, rdtsc) count retired instructions exactly.
set(PTGEN_QEMU_ARGS_riscv64 -machine virt -m 128M -nographic -bios none -icount shift=0)
ptgen_kernel_arch(riscv64 qemu-system-riscv64)
foreach(format IN ITEMS riscv-sv39 riscv-sv48 riscv-sv57)
    ptgen_qemu_test(${format} riscv64 0 ${PTGEN_QEMU_ARGS_riscv64})
endforeach()
# Svpbmt: QEMU 7.2 implements it with -cpu rv64,svpbmt=on (without it a PBMT value faults).
ptgen_qemu_test(riscv-sv39-svpbmt riscv64 0 -cpu rv64,svpbmt=on ${PTGEN_QEMU_ARGS_riscv64})
# Svnapot: -cpu rv64,svnapot=on (without it N is reserved: the kernel half's NAPOT PTEs fault).
ptgen_qemu_test(riscv-sv39-svnapot riscv64 0 -cpu rv64,svnapot=on ${PTGEN_QEMU_ARGS_riscv64})
ptgen_c_kernel_test(riscv64 0 ${PTGEN_QEMU_ARGS_riscv64})
# Four harts in one address space, in parallel (multi-threaded TCG: no -icount).
ptgen_qemu_test(riscv-sv39-smp riscv64 0
    -machine virt -m 128M -nographic -bios none -smp 4 -accel tcg,thread=multi)
# RV32: Sv32 on qemu-system-riscv32 (the riscv64 kernel's sources built for RV32).
ptgen_kernel_arch(riscv32 qemu-system-riscv32)
ptgen_qemu_test(riscv-sv32 riscv32 0 ${PTGEN_QEMU_ARGS_riscv64})

set(PTGEN_QEMU_ARGS_aarch64 -machine virt -cpu max -m 128M -nographic -semihosting -icount shift=0)
ptgen_kernel_arch(aarch64 qemu-system-aarch64)
ptgen_qemu_test(aarch64-4k-el1 aarch64 0 ${PTGEN_QEMU_ARGS_aarch64})
ptgen_c_kernel_test(aarch64 0 ${PTGEN_QEMU_ARGS_aarch64})
# Four CPUs in one address space, in parallel (multi-threaded TCG: no -icount).
ptgen_qemu_test(aarch64-4k-el1-smp aarch64 0
    -machine virt -cpu max -m 128M -nographic -semihosting -smp 4 -accel tcg,thread=multi)
ptgen_qemu_test(aarch64-4k-el2 aarch64 0
    -machine virt,virtualization=on -cpu max -m 128M -nographic -semihosting -icount shift=0)
# The other granules and VA sizes (QEMU's -cpu max implements the 16 KiB and 64 KiB granules
# at both stages, FEAT_TGran16K / FEAT_TGran64K).
# aarch64-4k-52bit-pa52-el1 and aarch64-16k-52bit-pa52-el1: FEAT_LPA2 (TCR_EL1.DS = 1; a
# 5-level walk with 4 KiB), which QEMU's -cpu max implements.
foreach(format IN ITEMS aarch64-4k-39bit-el1 aarch64-16k-el1 aarch64-16k-47bit-el1
                        aarch64-4k-52bit-pa52-el1 aarch64-16k-52bit-pa52-el1)
    ptgen_qemu_test(${format} aarch64 0 ${PTGEN_QEMU_ARGS_aarch64})
endforeach()
ptgen_qemu_test(aarch64-16k-el2 aarch64 0
    -machine virt,virtualization=on -cpu max -m 128M -nographic -semihosting -icount shift=0)
# aarch64-64k-52bit-pa52-el1: FEAT_LVA (T0SZ = T1SZ = 12) and FEAT_LPA (IPS = 52 bits), which
# QEMU's -cpu max implements.
foreach(format IN ITEMS aarch64-64k-el1 aarch64-64k-42bit-el1 aarch64-64k-52bit-pa52-el1)
    ptgen_qemu_test(${format} aarch64 0
        -machine virt -cpu max -m 1G -nographic -semihosting -icount shift=0)
endforeach()
ptgen_qemu_test(aarch64-64k-el2 aarch64 0
    -machine virt,virtualization=on -cpu max -m 1G -nographic -semihosting -icount shift=0)

# x86-64: isa-debug-exit turns the value v the kernel writes into exit status (v << 1) | 1;
# the kernel writes 0x10 on a pass (status 33). SeaBIOS prints first; -net none skips iPXE.
ptgen_kernel_arch(x86_64 qemu-system-x86_64)
set(PTGEN_QEMU_ARGS_x86_64
    -m 128M -nographic -net none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -icount shift=0)
ptgen_qemu_test(x86_64-4level x86_64 33 ${PTGEN_QEMU_ARGS_x86_64})
# 5-level paging: QEMU's TCG implements CR4.LA57 with -cpu qemu64,+la57.
ptgen_qemu_test(x86_64-5level x86_64 33 -cpu qemu64,+la57 ${PTGEN_QEMU_ARGS_x86_64})

# i386: 32-bit paging (qemu32 has PSE and PGE) and PAE paging with execute-disable (+nx: CPUID
# 80000001H EDX.NX, IA32_EFER.NXE). Same exit device and status as x86-64.
ptgen_kernel_arch(i386 qemu-system-i386)
ptgen_qemu_test(i386-2level i386 33 -cpu qemu32 ${PTGEN_QEMU_ARGS_x86_64})
ptgen_qemu_test(i386-pae i386 33 -cpu qemu32,+nx ${PTGEN_QEMU_ARGS_x86_64})

ptgen_kernel_arch(armv7 qemu-system-arm)
ptgen_qemu_test(arm-short-descriptor armv7 0
    -machine virt -cpu cortex-a15 -m 128M -nographic -semihosting -icount shift=0)
# LPAE with -m 4G: RAM above 4 GiB (virt's highmem), where the kernel maps a page (high_frame).
ptgen_qemu_test(arm-lpae armv7 0
    -machine virt -cpu cortex-a15 -m 4G -nographic -semihosting -icount shift=0)

# LoongArch64: QEMU 7.2 wants at least 1 GiB (-m 2G) and boots the ELF itself (no -bios none).
# The GED power-off carries no status: the verdict line decides (pass status 0).
ptgen_kernel_arch(loongarch64 qemu-system-loongarch64)
ptgen_qemu_test(loongarch64-4level loongarch64 0
    -machine virt -m 2G -nographic -icount shift=0)
