// The engine's behaviour proven inside constant expressions, on a static_arena, for every
// format: the same calls the run-time tests make, evaluated by the compiler.
#include <catch2/catch.hpp>

#include <boost/hana/for_each.hpp>

#include "support/formats.hpp"

using namespace ptgen;

namespace {

template <class F, std::size_t Bytes>
using arena_table = page_table<F, static_arena<F, Bytes>>;

inline constexpr paddr arena_base = 0x4000'0000;

// Four roots and room for 32 tables of 4 KiB, or 8 of a larger granule.
template <class F>
constexpr std::size_t arena_bytes =
    4 * geometry_of<F>::root_footprint +
    (F::levels[1].table_bytes() > 16384 ? 8 * F::levels[1].table_bytes() : 32 * 4096);

template <class F>
constexpr bool map_query_split_reclaim() {
    using fx = test::facts<F>;
    using A = static_arena<F, arena_bytes<F>>;
    auto pt = arena_table<F, arena_bytes<F>>::create(A{arena_base});
    if (!pt) return false;
    const std::size_t root_only = pt->memory().tables_in_use();
    const vaddr va = 2 * fx::biggest - fx::huge - fx::page;
    const std::uint64_t size = fx::page + fx::huge + fx::biggest;
    {
        auto c = pt->cursor();
        if (!c.map_region(va, [](vaddr v) { return v + fx::pa_offset; }, size, rwx | global, true))
            return false;
    }
    // a biggest page maps VA + offset to PA + offset
    auto q = pt->query(2 * fx::biggest + 0x1234);
    if (!q || q->pa != 2 * fx::biggest + 0x1234 + fx::pa_offset || q->size != fx::biggest)
        return false;
    if (q->flags != F::effective(rwx | global)) return false;
    // the first page is a 4 KiB page, the next a huge page
    if (pt->query(va)->size != fx::page || pt->query(va + fx::page)->size != fx::huge) return false;
    // unmapping one page in the biggest page splits it down to 4 KiB
    const std::size_t before_split = pt->memory().tables_in_use();
    {
        auto c = pt->cursor();
        if (!c.unmap_region(2 * fx::biggest + fx::biggest / 2 + fx::page, fx::page)) return false;
    }
    if (!pt->query(2 * fx::biggest + fx::biggest / 2 + fx::page).is(error::not_mapped)) return false;
    if (pt->query(2 * fx::biggest + fx::biggest / 2)->pa != 2 * fx::biggest + fx::biggest / 2 + fx::pa_offset)
        return false;
    if (pt->memory().tables_in_use() <= before_split) return false;
    // unmapping everything else gives every table back but the root
    {
        auto c = pt->cursor();
        if (!c.unmap_region(va, fx::biggest / 2 + fx::huge + 2 * fx::page)) return false;
        if (!c.unmap_region(2 * fx::biggest + fx::biggest / 2 + 2 * fx::page,
                            fx::biggest / 2 - 2 * fx::page))
            return false;
    }
    return pt->memory().tables_in_use() == root_only;
}

// A map_region that runs out of arena space fails with no_memory and leaves every byte.
template <class F>
constexpr bool no_memory_changes_nothing() {
    using fx = test::facts<F>;
    // Room for the root, one page's tables and one table more.
    constexpr std::size_t bytes =
        geometry_of<F>::root_footprint + F::levels.size() * F::levels[1].table_bytes();
    using A = static_arena<F, bytes>;
    auto pt = arena_table<F, bytes>::create(A{arena_base});
    if (!pt) return false;
    {
        auto c = pt->cursor();
        if (!c.map(0x10'0000, 0x10'0000, fx::page, rw)) return false;
    }
    const auto before = pt->memory().storage();
    const std::size_t tables = pt->memory().tables_in_use();
    auto c = pt->cursor();
    // pages in four different leaf tables: more tables than the arena has left
    auto r = c.map_region(4 * fx::biggest - 2 * fx::huge, [](vaddr v) { return v; },
                          3 * fx::huge + fx::page, rw, false);
    if (!r.is(error::no_memory)) return false;
    return pt->memory().storage() == before && pt->memory().tables_in_use() == tables;
}

template <class F>
constexpr bool errors_in_constant_expressions() {
    using fx = test::facts<F>;
    using A = static_arena<F, arena_bytes<F>>;
    auto pt = arena_table<F, arena_bytes<F>>::create(A{arena_base});
    auto c = pt->cursor();
    if (!c.map(fx::huge, 0, fx::huge, rw)) return false;
    return c.map(fx::huge, 0, fx::huge, rw).is(error::already_mapped) &&
           c.map(fx::huge + fx::page, 0, fx::page, rw).is(error::mapped_to_huge_page) &&
           c.map(fx::outside_va, 0, fx::page, rw).is(error::out_of_range) &&
           c.unmap(4 * fx::huge).is(error::not_mapped) &&
           c.map(3 * fx::huge, 0x800, fx::page, rw).is(error::not_aligned);
}

template <class F>
constexpr bool all_checks() {
    return map_query_split_reclaim<F>() && no_memory_changes_nothing<F>() &&
           errors_in_constant_expressions<F>();
}

}  // namespace

TEST_CASE("the engine's checks hold in constant expressions for every format", "[constexpr]") {
    boost::hana::for_each(ptgen::all_formats, [](auto t) {
        using F = typename decltype(t)::type;
        static_assert(map_query_split_reclaim<F>(), "map, query, split and reclaim");
        static_assert(no_memory_changes_nothing<F>(), "a failed map_region changes nothing");
        static_assert(errors_in_constant_expressions<F>(), "errors are values");
        INFO(F::name);
        CHECK(all_checks<F>());  // the same functions at run time, for coverage and sanitizers
    });
}
