// A handler without one of the members the contract asks for: one error naming the member.
#include <cstddef>
#include <ptgen/ptgen.hpp>
// expect-error: ptgen handler: needs dealloc_frames
struct paddr_or_none {
    ptgen::paddr pa;
    bool ok;
    explicit operator bool() const { return ok; }
    ptgen::paddr operator*() const { return pa; }
};
struct handler {  // no dealloc_frames(pa, num)
    static paddr_or_none alloc_frame() { return {0x1000, true}; }
    static paddr_or_none alloc_frames(std::size_t, std::size_t) { return {0x1000, true}; }
    static void dealloc_frame(ptgen::paddr) {}
    static void* phys_to_virt(ptgen::paddr) { return nullptr; }
};
int main() {
    auto pt = ptgen::riscv::sv39_page_table<handler>::create();
    return pt ? 0 : 1;
}
