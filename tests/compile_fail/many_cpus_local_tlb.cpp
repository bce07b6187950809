// A table several CPUs load, with a TLB policy that invalidates this CPU only (RISC-V's
// sfence.vma without the kernel's remote fences): refused, naming the rule.
#include <cstddef>
#include <optional>
#include <ptgen/ptgen.hpp>
#include <ptgen/tlb/riscv.hpp>
// expect-error: ptgen::many_cpus: this TLB policy invalidates this CPU only
struct handler {
    static std::optional<ptgen::paddr> alloc_frame() { return std::nullopt; }
    static std::optional<ptgen::paddr> alloc_frames(std::size_t, std::size_t) { return std::nullopt; }
    static void dealloc_frame(ptgen::paddr) {}
    static void dealloc_frames(ptgen::paddr, std::size_t) {}
    static void* phys_to_virt(ptgen::paddr) { return nullptr; }
    static void wait_for_readers() {}
};
int main() {
    using table = ptgen::page_table<ptgen::riscv::sv39, ptgen::handler_memory<handler>,
                                    ptgen::riscv::sfence_tlb, ptgen::many_cpus>;
    auto pt = table::create();
    return pt ? 0 : 1;
}
