// examples/x86_64/kernel.cpp: the x86-64 test kernel (QEMU pc, multiboot, long mode, ring 0),
// 4-level paging, or 5-level with -DPTGEN_KERNEL_LA57. start.S loads CR3 with the compile-time
// tables before paging is on (long mode needs paging); then kernel::run_checks.
// Built for i386 too (examples/i386/, its own start.S: 32-bit protected mode): 32-bit paging,
// or PAE paging with -DPTGEN_KERNEL_PAE.
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>
#include <ptgen/tlb/x86_32.hpp>
#include <ptgen/tlb/x86_64.hpp>

#include "../common/break_pte.hpp"
#include "../common/kernel_checks.hpp"

using namespace ptgen::literals;

namespace {

#if defined(__i386__)
constexpr bool i386 = true;
using word_t = std::uint32_t;
using tlb_policy = ptgen::x86_32::invlpg_tlb;
#if defined(PTGEN_KERNEL_PAE)
using format = ptgen::x86_32::pae;
#else
using format = ptgen::x86_32::two_level;
#endif
#else
constexpr bool i386 = false;
using word_t = std::uint64_t;
using tlb_policy = ptgen::x86_64::invlpg_tlb;
#if defined(PTGEN_KERNEL_LA57)
using format = ptgen::x86_64::long_mode_5level;
#else
using format = ptgen::x86_64::long_mode_4level;
#endif
#endif

constexpr ptgen::paddr ram_base = 0;
constexpr std::uint64_t ram_size = 128_MiB;  // qemu -m 128M
constexpr ptgen::paddr kernel_pa = 0x10'0000;
constexpr ptgen::vaddr kernel_half = ptgen::recipes::usual_addresses<format>::kernel_image;
constexpr std::uint16_t com1 = 0x3f8;
constexpr std::uint16_t debug_exit_port = 0xf4;  // -device isa-debug-exit,iobase=0xf4,iosize=4

// The boot layout: the first 128 MiB identity-mapped (huge pages), the kernel image and its boot
// tables again in the kernel half (4 KiB pages, Linux's __START_KERNEL_map; 0xf000'0000 on
// i386). Serial and the exit device are I/O ports: no window needed.
// After the kernel half, a 64 KiB guard region (no access) that kernel_checks.hpp probes.
// (i386 32-bit paging has no execute-disable bit: rw regions are executable; verify knows.)
constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x40'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half, kernel_pa, 4_MiB, ptgen::rw | ptgen::global, "kernel half")
            .small_pages(),
        // a guard right after it: the next 64 KiB of RAM, mapped without access
        ptgen::boot::guard(kernel_half + 4_MiB, kernel_pa + 4_MiB, 64_KiB, "guard"),
    }};
constexpr auto built = ptgen::boot::build<layout>();
static_assert(ptgen::boot::verify(built, layout));
static_assert(ptgen::translate(built, kernel_half + 0x30'0123)->pa == 0x40'0123);
#if defined(PTGEN_KERNEL_BREAK_PTE)
// Test-only: the kernel-half leaf that maps the boot tables points one page too far.
constexpr auto image = kernel::with_broken_leaf(built, kernel_half + (layout.table_base - kernel_pa));
#else
constexpr const auto& image = built;
#endif
// start.S loads CR3 from a 32-bit immediate.
static_assert(image.registers().cr3 < 0x1'0000'0000);

}  // namespace

PTGEN_BOOT_TABLES(boot_tables, image);

// Absolute symbols from the constexpr image: ptgen_table_base for the linker script's ASSERT,
// ptgen_boot_cr3 and the two halves of IA32_PAT (ptgen_boot_pat_lo/hi, for wrmsr) for start.S.
[[gnu::used]] static void ptgen_symbols() {
    constexpr std::uint64_t pat = image.registers().ia32_pat;
    asm volatile(".globl ptgen_table_base\n\t.set ptgen_table_base, %c0\n\t"
                 ".globl ptgen_boot_cr3\n\t.set ptgen_boot_cr3, %c1\n\t"
                 ".globl ptgen_boot_pat_lo\n\t.set ptgen_boot_pat_lo, %c2\n\t"
                 ".globl ptgen_boot_pat_hi\n\t.set ptgen_boot_pat_hi, %c3"
                 :
                 : "i"(word_t(layout.table_base)), "i"(word_t(image.registers().cr3)),
                   "i"(word_t(pat & 0xffff'ffff)), "i"(word_t(pat >> 32)));
}

extern "C" char __boot_tables_end[], isr_table[], fetch_fault_return[];

namespace {

struct kernel_description {
    using format = ::format;
    using tlb = tlb_policy;
    static constexpr const auto& layout = ::layout;
    static constexpr const auto& image = ::image;
    static const void* section() { return boot_tables.data(); }
    static constexpr ptgen::vaddr kernel_half = ::kernel_half;
    static constexpr ptgen::paddr kernel_half_pa = kernel_pa;
    // With 5 levels the run-time mappings lie above bit 47, non-canonical for 4-level paging (a
    // #GP there): the checks prove the PML5. On i386 they lie at 0x4000'0000, whose PDPTE (1) is
    // empty at boot: with PAE their first map links a page directory into the PDPT, which the
    // CPU sees only after the full flush (CR3 reload) the engine asks for.
    static constexpr ptgen::vaddr high = format::va_bits > 48 ? 0x0080'0000'0000'0000 : 0;
    static constexpr ptgen::vaddr test_va = i386 ? 0x4000'0000 : high + 0x10'0000'0000;
    static constexpr ptgen::vaddr huge_va = i386 ? 0x4040'0000 : high + 0x10'4000'0000;
    static constexpr std::uint64_t huge_size = format::levels[0].leaf_allowed ? 4_MiB : 2_MiB;
    static ptgen::paddr pool_base() {
        return (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + huge_size - 1) & ~(huge_size - 1);
    }
    static ptgen::paddr pool_end() { return ram_base + ram_size; }
    // SDM 4.8: the processor sets Accessed in every paging-structure entry it uses (the leaves
    // are written with A and D set already; a PAE PDPTE has no A bit).
    static constexpr std::uint64_t walker_sets = ptgen::x86_64::pte::A;
};

void outb(std::uint16_t port, std::uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
std::uint8_t inb(std::uint16_t port) {
    std::uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

// IDT (SDM Vol. 3A 6.14.1; 6.11 on i386): 64-bit (32-bit) interrupt gates to the stubs of
// start.S (16 bytes apart).
#if defined(__i386__)
struct [[gnu::packed]] idt_gate {
    std::uint16_t offset_low, selector;
    std::uint8_t zero, type;
    std::uint16_t offset_mid;
    constexpr idt_gate() = default;
    constexpr idt_gate(std::uint32_t a) : offset_low(std::uint16_t(a)), selector(0x08), zero(0), type(0x8e), offset_mid(std::uint16_t(a >> 16)) {}
};
#else
struct [[gnu::packed]] idt_gate {
    std::uint16_t offset_low, selector;
    std::uint8_t ist, type;
    std::uint16_t offset_mid;
    std::uint32_t offset_high, reserved;
    constexpr idt_gate() = default;
    constexpr idt_gate(std::uint64_t a)
        : offset_low(std::uint16_t(a)), selector(0x08), ist(0), type(0x8e),
          offset_mid(std::uint16_t(a >> 16)), offset_high(std::uint32_t(a >> 32)), reserved(0) {}
};
#endif
constinit idt_gate idt[22]{};

void load_idt() {
    for (unsigned v = 0; v < 22; ++v) {
        idt[v] = idt_gate(word_t(std::uintptr_t(isr_table)) + 16 * v);
    }
    struct [[gnu::packed]] {
        std::uint16_t limit;
        word_t base;
    } pointer{sizeof idt - 1, word_t(std::uintptr_t(idt))};
    asm volatile("lidt %0" : : "m"(pointer));
}

word_t read_cr3() {
    word_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

}  // namespace

// Where a faulting load or store probe resumes (i386: its two 32-bit accesses are skipped
// together).
constinit word_t probe_resume = 0;

// ---- arch:: for x86-64 and i386 --------------------------------------------------------------

namespace arch {

void putc(char c) {
    while ((inb(com1 + 5) & 0x20) == 0) {  // LSR.THRE
    }
    outb(com1, std::uint8_t(c));
}

// isa-debug-exit: QEMU exits with (value << 1) | 1. Pass writes 0x10 (status 33).
void exit(bool pass, unsigned code) {
    const std::uint32_t value = pass ? 0x10 : 0x20 + (code ? code : 1);
    asm volatile("outl %0, %1" : : "a"(value), "Nd"(debug_exit_port));
    for (;;) asm volatile("cli; hlt");
}

// A probe is one 8-byte access, on i386 two 4-byte ones to one 8-byte-aligned word (one page);
// a fault resumes after it (probe_resume).
bool load(std::uint64_t va, std::uint64_t& value) {
#if defined(__i386__)
    std::uint32_t lo = std::uint32_t(value), hi = std::uint32_t(value >> 32);
    asm volatile("movl $1f, %[resume]\n\t"
                 "movl (%[p]), %[lo]\n\t"
                 "movl 4(%[p]), %[hi]\n"
                 "1:"
                 : [lo] "+r"(lo), [hi] "+r"(hi), [resume] "=m"(probe_resume)
                 : [p] "r"(std::uint32_t(va))
                 : "memory");
    value = (std::uint64_t(hi) << 32) | lo;
#else
    asm volatile("movq $1f, %[resume]\n\t"
                 "movq (%[p]), %[v]\n"
                 "1:"
                 : [v] "+r"(value), [resume] "=m"(probe_resume)
                 : [p] "r"(va)
                 : "memory");
#endif
    return !kernel::last_fault.taken;
}
bool store(std::uint64_t va, std::uint64_t value) {
#if defined(__i386__)
    asm volatile("movl $1f, %[resume]\n\t"
                 "movl %[lo], (%[p])\n\t"
                 "movl %[hi], 4(%[p])\n"
                 "1:"
                 : [resume] "=m"(probe_resume)
                 : [p] "r"(std::uint32_t(va)), [lo] "r"(std::uint32_t(value)),
                   [hi] "r"(std::uint32_t(value >> 32))
                 : "memory");
#else
    asm volatile("movq $1f, %[resume]\n\t"
                 "movq %[v], (%[p])\n"
                 "1:"
                 : [resume] "=m"(probe_resume)
                 : [p] "r"(va), [v] "r"(value)
                 : "memory");
#endif
    return !kernel::last_fault.taken;
}
bool execute(std::uint64_t va) {
    reinterpret_cast<void (*)()>(std::uintptr_t(va))();
    return !kernel::last_fault.taken;
}
void write_return_instruction(std::uint64_t pa) {
    *reinterpret_cast<volatile std::uint8_t*>(std::uintptr_t(pa)) = 0xc3;  // ret (fetch is coherent)
}

// TCG has no retired-instruction PMU; under -icount shift=0 the TSC advances one tick per
// instruction, so rdtsc counts instructions.
std::uint64_t instructions() {
    std::uint32_t lo, hi;
#if defined(__i386__)
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
#else
    asm volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
#endif
    return (std::uint64_t(hi) << 32) | lo;
}
const char* const counter_name = "rdtsc, QEMU -icount shift=0 (1 tick per instruction)";

bool print_and_check_root_registers() {
    const std::uint64_t cr3 = read_cr3();
    std::uint32_t pat_lo, pat_hi;
    asm volatile("rdmsr" : "=a"(pat_lo), "=d"(pat_hi) : "c"(ptgen::x86_64::pat::msr_index));
    const std::uint64_t pat = (std::uint64_t(pat_hi) << 32) | pat_lo;
    kernel::println("CR3 = ", kernel::hex{cr3}, " (compile-time value ",
                    kernel::hex{image.registers().cr3}, ")  IA32_PAT = ", kernel::hex{pat});
    return cr3 == image.registers().cr3 && pat == image.registers().ia32_pat;
}

}  // namespace arch

// What the stubs of start.S push (from the low address): the general registers, the vector and
// the error code, then the CPU's frame (SDM 6.14.1; 6.12.1 on i386, where an interrupt at the
// same privilege pushes no stack pointer).
#if defined(__i386__)
struct trap_frame {
    std::uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;  // PUSHA
    std::uint32_t vector, error, ip, cs, flags;
};
#else
struct trap_frame {
    std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    std::uint64_t vector, error, ip, cs, flags, rsp, ss;
};
#endif

// #PF (vector 14, SDM 4.7): CR2 = the address; error code bit 1 W/R, bit 4 I/D (a fetch, when
// execute-disable is on; i386 32-bit paging has none: a fetch fault is one at the instruction's
// own address).
extern "C" void x86_trap(trap_frame* f) {
    word_t cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    kernel::access kind = kernel::access::other;
    if (f->vector == 14)
        kind = (f->error & 0x10) || cr2 == f->ip ? kernel::access::fetch
               : (f->error & 0x2)                ? kernel::access::write
                                                 : kernel::access::read;
    kernel::trap_taken(kind, f->vector == 14 ? cr2 : f->vector,
                       (std::uint64_t(f->vector) << 32) | f->error, f->ip);
    // A faulting fetch returns to the caller (the ret at fetch_fault_return pops the address the
    // call into the page pushed); a faulting probe resumes after its accesses.
    f->ip = kind == kernel::access::fetch ? word_t(std::uintptr_t(fetch_fault_return)) : probe_resume;
}

// From start.S, in long mode on the compile-time tables (CR3 loaded before paging was on); on
// i386 in protected mode with paging on.
extern "C" [[noreturn]] void kernel_entry() {
    load_idt();
    kernel::run_checks<kernel_description>();
}
