// tests/support/layout_bytes.hpp: a boot layout's regions mapped at run time (each half into
// its own table where the format splits roots), and the bytes of the tables that takes, each
// root counted by its footprint: what the compiler's image of the layout must hold, exactly.
#pragma once

#include <cstddef>

#include <catch2/catch.hpp>

#include <ptgen/boot/layout.hpp>

#include "formats.hpp"
#include "table_snapshot.hpp"

namespace ptgen::test {

template <class F>
std::size_t runtime_layout_bytes(const boot::layout<F>& layout, std::size_t frames = 8192) {
    frame_pool pool(frames);
    auto low = make_table<F>(pool);
    auto high = make_table<F>(pool);
    for (const auto& r : layout.regions) {
        if (r.size == 0) continue;
        auto& pt = F::split_roots && (r.va >> 63) ? high : low;
        REQUIRE(pt.cursor().map_linear(r.va, r.pa, r.size, r.attrs, r.allow_huge));
    }
    std::size_t bytes = 0;
    for (const auto* pt : {&low, &high}) {
        if (pt == &high && !F::split_roots) break;
        for (const auto& [pa, level] : reachable_tables(*pt))
            bytes += level == 0 ? geometry_of<F>::root_footprint : F::levels[level].table_bytes();
    }
    return bytes;
}

}  // namespace ptgen::test
