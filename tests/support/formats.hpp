// tests/support/formats.hpp: the list of formats as a std::tuple for Catch's
// TEMPLATE_LIST_TEST_CASE, made from ptgen::all_formats with Hana, and per-format test facts
// derived from the geometry.
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include <boost/hana/unpack.hpp>
#include <ptgen/all_formats.hpp>
#include <ptgen/ptgen.hpp>

#include "frame_pool.hpp"

namespace ptgen::test {

using all_format_types = decltype(boost::hana::unpack(ptgen::all_formats, [](auto... t) {
    return std::tuple<typename decltype(t)::type...>{};
}));

template <class F>
struct facts {
    using geo = geometry_of<F>;
    static constexpr std::uint64_t page = geo::min_page;

    // Leaf spans of the format, largest first.
    static std::vector<std::uint64_t> leaf_spans() {
        std::vector<std::uint64_t> s;
        for (unsigned l = 0; l < geo::depth; ++l)
            if (F::levels[l].leaf_allowed) s.push_back(geo::span(l));
        return s;
    }
    // The smallest huge page (2 MiB, or a 1 MiB section on ARMv7), and the largest leaf span
    // up to 1 GiB and up to an eighth of the VA space (tests place regions up to 8 of them
    // high: ARMv7 LPAE's 1 GiB blocks in a 32-bit space are left to its own test).
    static constexpr std::uint64_t huge = [] {
        for (unsigned l = geo::depth - 1; l-- > 0;)
            if (F::levels[l].leaf_allowed) return geo::span(l);
        return std::uint64_t{0};
    }();
    static constexpr std::uint64_t biggest = [] {
        std::uint64_t b = geo::min_page;
        for (unsigned l = 0; l < geo::depth; ++l)
            if (F::levels[l].leaf_allowed && geo::span(l) <= (std::uint64_t{1} << 30) &&
                geo::span(l) <= (std::uint64_t{1} << (F::va_bits - 3)) && geo::span(l) > b)
                b = geo::span(l);
        return b;
    }();
    static constexpr std::uint64_t pa_offset = 4 * biggest;  // keeps every alignment
    // 4 KiB frames of a last-level table (1; 4 and 16 with AArch64's 16 and 64 KiB granules):
    // pools sized in tables scale by it.
    static constexpr std::size_t table_frames =
        std::size_t((F::levels[geo::depth - 1].table_bytes() + 4095) / 4096);

    // An address outside the format's virtual space (non-canonical, or above 4 GiB on 32-bit).
    static constexpr vaddr outside_va = [] {
        const vaddr candidates[] = {vaddr{1} << (F::va_bits - 1), vaddr{1} << F::va_bits,
                                    vaddr{1} << 63};
        for (vaddr v : candidates)
            if (!F::va_valid(v)) return v;
        return vaddr{0};
    }();
};

template <class F>
using pool_table = page_table<F, handler_memory<pool_handler>>;

template <class F>
std::size_t root_frames() {
    return (F::levels[0].table_bytes() + 4095) / 4096;
}

template <class F>
pool_table<F> make_table(frame_pool& pool) {
    auto pt = pool_table<F>::create(pool_handler{&pool});
    if (!pt) throw "create failed";  // tests only
    return std::move(*pt);
}

}  // namespace ptgen::test
