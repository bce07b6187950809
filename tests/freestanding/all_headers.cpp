// Every ptgen header compiles freestanding: -ffreestanding -fno-exceptions
// -fno-rtti, no sanitizers, warnings as errors (tests/CMakeLists.txt).
// This is how a kernel includes ptgen.
#include <type_traits>

#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>
#include <ptgen/ptgen.hpp>
// The TLB policies: their asm is compiled only for their own target; on the host they are
// empty, and they must still compile.
#include <ptgen/tlb/aarch64.hpp>
#include <ptgen/tlb/arm.hpp>
#include <ptgen/tlb/loongarch64.hpp>
#include <ptgen/tlb/riscv.hpp>
#include <ptgen/tlb/shootdown.hpp>
#include <ptgen/tlb/x86_32.hpp>
#include <ptgen/tlb/x86_64.hpp>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "the freestanding check must be built with -fno-exceptions"
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI)
#error "the freestanding check must be built with -fno-rtti"
#endif
#if !defined(__STDC_HOSTED__) || __STDC_HOSTED__ != 0
#error "the freestanding check must be built with -ffreestanding"
#endif

// Built freestanding for its own architecture, a format's table defaults to that architecture's
// TLB policy (tlb/native.hpp); a foreign format's to no_tlb.
#if defined(__x86_64__)
static_assert(std::is_same_v<ptgen::native_tlb<ptgen::x86_64::long_mode_4level>,
                             ptgen::x86_64::invlpg_tlb>);
static_assert(std::is_same_v<ptgen::x86_64::page_table<int*>::tlb_type, ptgen::x86_64::invlpg_tlb>);
static_assert(std::is_same_v<ptgen::native_tlb<ptgen::riscv::sv39>, ptgen::no_tlb>);
static_assert(std::is_same_v<ptgen::native_tlb<ptgen::x86_32::pae>, ptgen::no_tlb>);
#endif

// Something for the object file to hold, so the TU is not empty.
extern "C" unsigned ptgen_freestanding_check() { return unsigned(ptgen::rwx); }

// Templates are only checked when instantiated: instantiate the run-time and compile-time
// paths as a kernel would, with a handler that has no libc behind it.
namespace {
struct kernel_handler {
    static ptgen::result<ptgen::paddr> alloc_frame() { return ptgen::fail(ptgen::error::no_memory); }
    static ptgen::result<ptgen::paddr> alloc_frames(unsigned long, unsigned long) {
        return ptgen::fail(ptgen::error::no_memory);
    }
    static void dealloc_frame(ptgen::paddr) {}
    static void dealloc_frames(ptgen::paddr, unsigned long) {}
    static void* phys_to_virt(ptgen::paddr pa) { return reinterpret_cast<void*>(pa); }
};

using namespace ptgen::literals;
constexpr ptgen::boot::layout<ptgen::aarch64::stage1_4k_el1> boot_layout{
    .table_base = 0x4008'0000,
    .regions = {ptgen::boot::identity(0x4000'0000, 1_GiB, ptgen::rw, "ram"),
                ptgen::boot::linear(0xffff'0000'0000'0000, 0x4000'0000, 2_MiB, ptgen::rx, "kernel")
                    .small_pages()}};
constexpr auto boot_image = ptgen::boot::build<boot_layout>();
static_assert(ptgen::boot::verify(boot_image, boot_layout));
}  // namespace

PTGEN_BOOT_TABLES(freestanding_boot_tables, boot_image);

extern "C" int ptgen_freestanding_run_time(ptgen::vaddr va, ptgen::paddr pa) {
    auto pt = ptgen::boot::adopt<ptgen::aarch64::stage1_4k_el1>(
        boot_image.root, boot_image.base, boot_image.bytes, kernel_handler{});
    auto c = pt.cursor();
    int failures = 0;
    failures += !c.map(va, pa, 4_KiB, ptgen::rw);
    failures += !c.map_region(va, [](ptgen::vaddr v) { return v; }, 2_MiB, ptgen::rw, true);
    failures += !c.protect_region(va, 4_KiB, ptgen::r);
    failures += !c.unmap_region(va, 4_KiB);
    failures += !c.remap(va, pa, ptgen::rw);
    failures += !pt.query(va);
    auto own = ptgen::riscv::sv48_page_table<kernel_handler>::create();
    failures += !own;
    return failures;
}

// A table several CPUs load, with the kernel's shootdown (IPIs) and an RCU-style grace hook.
namespace {
struct kernel_ipis {
    struct completion {
        void wait() {}
    };
    completion shootdown_pages(const ptgen::vaddr*, unsigned long) { return {}; }
    completion shootdown_all() { return {}; }
};
struct smp_kernel_handler : kernel_handler {
    static void dealloc_frames_after_readers(ptgen::paddr, unsigned long) {}
};
}  // namespace

extern "C" int ptgen_freestanding_smp(ptgen::vaddr va, ptgen::paddr pa) {
    using tlb = ptgen::shootdown_tlb<ptgen::x86_64::invlpg_tlb, kernel_ipis>;
    using table = ptgen::page_table<ptgen::x86_64::long_mode_4level,
                                    ptgen::handler_memory<smp_kernel_handler>, tlb, ptgen::many_cpus>;
    auto pt = table::create();
    if (!pt) return 1;
    auto c = pt->cursor();
    int failures = !c.map(va, pa, 4_KiB, ptgen::rw);
    failures += !c.unmap(va);
    c.flush();
    failures += !pt->query(va);
    return failures;
}
