// ptgen/core/counting_handler.hpp: a handler that wraps another and counts the frames it hands
// out: in use now and the most at once (sizing a kernel's pool against worst_case_tables).
#pragma once

#include <cstddef>

#include "handler_memory.hpp"

namespace ptgen {

// The counts live behind a pointer, as the wrapped handler's state should: page tables copy
// their handler.
struct frame_counts {
    std::size_t in_use = 0;
    std::size_t high_water = 0;
};

template <class Handler>
struct counting_handler {
    Handler inner;
    frame_counts* counts;

    auto alloc_frame() {
        auto f = inner.alloc_frame();
        if (f) note(1);
        return f;
    }
    auto alloc_frames(std::size_t n, std::size_t align) {
        auto f = inner.alloc_frames(n, align);
        if (f) note(n);
        return f;
    }
    void dealloc_frame(paddr pa) {
        inner.dealloc_frame(pa);
        counts->in_use -= 1;
    }
    void dealloc_frames(paddr pa, std::size_t n) {
        inner.dealloc_frames(pa, n);
        counts->in_use -= n;
    }
    auto phys_to_virt(paddr pa) { return inner.phys_to_virt(pa); }
    // (Passed on where the wrapped handler keeps table_meta.)
    ptgen::table_meta* table_meta(paddr pa)
        requires keeps_table_meta<Handler>
    {
        return inner.table_meta(pa);
    }

private:
    void note(std::size_t n) {
        counts->in_use += n;
        if (counts->in_use > counts->high_water) counts->high_water = counts->in_use;
    }
};

}  // namespace ptgen
