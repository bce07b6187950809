#include <optional>
#include "common.hpp"
struct handler {
    static std::optional<ptgen::paddr> alloc_frame();
    static std::optional<ptgen::paddr> alloc_frames(std::size_t, std::size_t);
    static void dealloc_frame(ptgen::paddr);
    static void* phys_to_virt(ptgen::paddr);
};
void kernel_main() {
    auto pt = ptgen::riscv::sv39_page_table<handler>::create();
    (void)pt;
}
