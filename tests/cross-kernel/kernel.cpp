// The cross kernel: MMU on with the compile-time tables, then the checks a new user makes,
// printed on the UART; exits QEMU with the verdict (sifive_test).
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>

#include <ptgen/boot.hpp>

#include "layout.hpp"

PTGEN_BOOT_TABLES(boot_tables, cross_kernel::image);

extern "C" const std::uint64_t boot_tables_link_address;
extern "C" char __kernel_end[];

// The four functions the compiler may call (freestanding).
extern "C" void* memcpy(void* d, const void* s, std::size_t n) {
    auto* dd = static_cast<volatile unsigned char*>(d);
    const auto* ss = static_cast<const unsigned char*>(s);
    for (std::size_t i = 0; i < n; ++i) dd[i] = ss[i];
    return d;
}
extern "C" void* memset(void* d, int c, std::size_t n) {
    auto* dd = static_cast<volatile unsigned char*>(d);
    for (std::size_t i = 0; i < n; ++i) dd[i] = static_cast<unsigned char>(c);
    return d;
}
extern "C" void* memmove(void* d, const void* s, std::size_t n) { return memcpy(d, s, n); }
extern "C" int memcmp(const void* a, const void* b, std::size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (std::size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

namespace {
using namespace ptgen::literals;

void put(const char* s) {
    auto* thr = reinterpret_cast<volatile std::uint8_t*>(cross_kernel::uart);
    while (*s) *thr = static_cast<std::uint8_t>(*s++);
}
int failures = 0;
void check(bool ok, const char* what) {
    put(ok ? "[PASS] " : "[FAIL] ");
    put(what);
    put("\n");
    if (!ok) ++failures;
}
[[noreturn]] void finish() {
    put(failures == 0 ? "ptgen-kernel: PASS\n" : "ptgen-kernel: FAIL\n");
    *reinterpret_cast<volatile std::uint32_t*>(cross_kernel::exit_device) =
        failures == 0 ? 0x5555u : ((1u << 16) | 0x3333u);
    for (;;) asm volatile("wfi");
}

// Frames after the kernel image and the boot tables, identity-mapped: the handler of the README.
struct bump_handler {
    static inline ptgen::paddr next = 0x8100'0000;
    static std::optional<ptgen::paddr> alloc_frame() { return alloc_frames(1, 4096); }
    static std::optional<ptgen::paddr> alloc_frames(std::size_t n, std::size_t align) {
        next = (next + align - 1) & ~(ptgen::paddr(align) - 1);
        const ptgen::paddr pa = next;
        next += n * 4096;
        return pa;
    }
    static void dealloc_frame(ptgen::paddr) {}
    static void dealloc_frames(ptgen::paddr, std::size_t) {}
    static void* phys_to_virt(ptgen::paddr pa) { return reinterpret_cast<void*>(pa); }
};

volatile std::uint64_t* at(ptgen::vaddr va) { return reinterpret_cast<volatile std::uint64_t*>(va); }
}  // namespace

extern "C" [[noreturn]] void kernel_entry() {
    constexpr auto regs = cross_kernel::image.registers();
    asm volatile("csrw satp, %0\n\tsfence.vma zero, zero" : : "r"(regs.satp) : "memory");
    put("ptgen cross kernel: built from an installed prefix, MMU on\n");

    // The tables are linked in the higher half and loaded at table_base (VMA != LMA).
    check(boot_tables_link_address == cross_kernel::tables_link_address,
          "boot_tables is linked at its higher-half address");
    check(std::memcmp(reinterpret_cast<const void*>(boot_tables_link_address),
                      cross_kernel::image.tables.data(), cross_kernel::image.bytes) == 0,
          "the tables read through their link address are the compiler's image");
    check(reinterpret_cast<std::uintptr_t>(__kernel_end) <= cross_kernel::layout.table_base,
          "the kernel image ends below the boot tables");

    constexpr ptgen::vaddr va = 0x40'0000'0000 - 2_MiB;  // a new address, no boot table below it
    const ptgen::paddr frame_a = 0x8200'0000, frame_b = 0x8200'1000;
    *at(frame_a) = 0xaaaa;
    *at(frame_b) = 0xbbbb;
    {
        // The README's path: adopt the image; the TLB policy is the native one (sfence.vma).
        auto pt = ptgen::boot::adopt_image(cross_kernel::image, bump_handler{});
        static_assert(std::is_same_v<decltype(pt)::tlb_type, ptgen::riscv::sfence_tlb>);
        {
            auto c = pt.cursor();
            check(c.map(va, frame_a, 4_KiB, ptgen::rw).has_value(), "map a 4 KiB page");
        }
        check(*at(va) == 0xaaaa, "the new page reads its frame");
        {
            auto c = pt.cursor();
            check(c.remap(va, frame_b, ptgen::rw).has_value(), "remap it to another frame");
        }
        check(*at(va) == 0xbbbb, "after the cursor's flush the page reads the new frame");
    }
    // Destroying the adopted table unlinked what it added and left the boot tables as built.
    check(std::memcmp(reinterpret_cast<const void*>(boot_tables_link_address),
                      cross_kernel::image.tables.data(), cross_kernel::image.bytes) == 0,
          "after the table is destroyed the boot tables are as the compiler made them");
    check(*at(cross_kernel::kernel_half + 0x20'0000) == *at(cross_kernel::ram + 0x20'0000),
          "the kernel half still maps RAM");
    finish();
}
