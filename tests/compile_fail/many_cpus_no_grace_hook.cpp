// A table several CPUs load whose handler cannot say when readers on other CPUs have left:
// refused, naming the rule (a retired table would be freed under a reader).
#include <cstddef>
#include <optional>
#include <ptgen/ptgen.hpp>
#include <ptgen/tlb/aarch64.hpp>
// expect-error: ptgen::many_cpus: the memory policy has no grace hook
struct handler {
    static std::optional<ptgen::paddr> alloc_frame() { return std::nullopt; }
    static std::optional<ptgen::paddr> alloc_frames(std::size_t, std::size_t) { return std::nullopt; }
    static void dealloc_frame(ptgen::paddr) {}
    static void dealloc_frames(ptgen::paddr, std::size_t) {}
    static void* phys_to_virt(ptgen::paddr) { return nullptr; }
};
int main() {
    using table = ptgen::page_table<ptgen::aarch64::stage1_4k_el1, ptgen::handler_memory<handler>,
                                    ptgen::aarch64::el1_tlb, ptgen::many_cpus>;
    auto pt = table::create();
    return pt ? 0 : 1;
}
