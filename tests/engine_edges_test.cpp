// Edges of the engine and its policies that the behaviour tests do not reach (found by
// tests/coverage.sh): the geometry checker, static_arena at run time, break-before-make, a
// retire batch that fills in the middle of a call, tables above the format's physical range,
// register values, error names.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/hana/for_each.hpp>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// A format whose geometry is replaced (everything else is Sv39's): to prove that
// geometry_of::coherent() refuses each broken rule.
template <std::size_t N, std::array<level_geometry, N> Levels, unsigned VaBits = 39>
struct regeometried : riscv::sv39 {
    static constexpr std::array<level_geometry, N> levels = Levels;
    static constexpr unsigned va_bits = VaBits;
};
constexpr level_geometry lg(unsigned shift, unsigned bits, unsigned bytes, bool leaf,
                            std::size_t align) {
    return {shift, bits, bytes, leaf, align};
}

// A TLB policy that logs, for architectures with break-before-make.
struct bbm_log {
    std::vector<std::string> events;
};
struct bbm_tlb {
    static constexpr bool break_before_make = true;
    bbm_log* log;
    void flush_page(vaddr va) const { log->events.push_back("page " + std::to_string(va)); }
    void flush_all() const { log->events.push_back("all"); }
};

}  // namespace

TEST_CASE("geometry_of::coherent accepts every format and refuses each broken rule",
          "[engine][geometry]") {
    boost::hana::for_each(ptgen::all_formats, [](auto t) {
        using F = typename decltype(t)::type;
        INFO(F::name);
        CHECK(geometry_of<F>::coherent());
    });
    constexpr auto ok = std::array{lg(30, 9, 8, true, 4096), lg(21, 9, 8, true, 4096),
                                   lg(12, 9, 8, true, 4096)};
    CHECK(geometry_of<regeometried<3, ok>>::coherent());
    // an entry size that is not the format's entry type
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(30, 9, 8, true, 4096),
                                                       lg(21, 9, 4, true, 4096),
                                                       lg(12, 9, 8, true, 4096)}>>::coherent());
    // levels that leave a gap in the VA bits
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(31, 9, 8, true, 4096),
                                                       lg(21, 9, 8, true, 4096),
                                                       lg(12, 9, 8, true, 4096)}>>::coherent());
    // a table below the root aligned less than its size
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(30, 9, 8, true, 4096),
                                                       lg(21, 9, 8, true, 2048),
                                                       lg(12, 9, 8, true, 4096)}>>::coherent());
    // an alignment that is not a power of two
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(30, 9, 8, true, 4096),
                                                       lg(21, 9, 8, true, 6144),
                                                       lg(12, 9, 8, true, 4096)}>>::coherent());
    // a leaf level above a level without leaves (a split would have nowhere to go)
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(30, 9, 8, true, 4096),
                                                       lg(21, 9, 8, false, 4096),
                                                       lg(12, 9, 8, true, 4096)}>>::coherent());
    // a last level without leaves
    CHECK_FALSE(geometry_of<regeometried<3, std::array{lg(30, 9, 8, false, 4096),
                                                       lg(21, 9, 8, false, 4096),
                                                       lg(12, 9, 8, false, 4096)}>>::coherent());
    // levels that index fewer bits than the VA has
    CHECK_FALSE(geometry_of<regeometried<3, ok, 48>>::coherent());
}

TEMPLATE_LIST_TEST_CASE("static_arena at run time: aligned tables, reuse, no_memory when full",
                        "[engine][static_arena]", all_format_types) {
    using F = TestType;
    using A = static_arena<F, 8 * 16384>;
    auto arena = std::make_unique<A>(0x4000'0000);
    CHECK(arena->base() == 0x4000'0000);
    std::vector<std::pair<paddr, unsigned>> tables;
    for (;;) {
        const unsigned level = unsigned(tables.size() % F::levels.size());
        auto t = arena->allocate_table(F::levels[level]);
        if (!t) {
            CHECK(t.is(error::no_memory));
            break;
        }
        CHECK(is_aligned(*t, F::levels[level].table_align));
        const auto view = std::as_const(*arena).template view<typename F::entry_type>(*t);
        for (std::size_t i = 0; i < F::levels[level].entries(); ++i) REQUIRE(view.load(i) == 0);
        arena->template view<typename F::entry_type>(*t).store(0, 0x1234);  // dirty it
        tables.emplace_back(*t, level);
    }
    CHECK(arena->tables_in_use() == tables.size());
    CHECK(arena->units_in_use() * A::unit_bytes <= 8 * 16384);
    CHECK(arena->high_water_bytes() <= 8 * 16384);
    // free every other table: the lowest free run is handed out again, zeroed
    const std::size_t before = arena->tables_in_use();
    for (std::size_t k = 0; k < tables.size(); k += 2)
        arena->free_table(tables[k].first, F::levels[tables[k].second]);
    CHECK(arena->tables_in_use() == before - (tables.size() + 1) / 2);
    auto again = arena->allocate_table(F::levels[tables[0].second]);
    REQUIRE(again.has_value());
    CHECK(*again == tables[0].first);
    CHECK(std::as_const(*arena).template view<typename F::entry_type>(*again).load(0) == 0);
}

TEMPLATE_LIST_TEST_CASE("the engine on a static_arena at run time maps, splits and reclaims",
                        "[engine][static_arena]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    using A = static_arena<F, 64 * 4096>;
    auto arena = std::make_unique<A>(0x8000'0000);
    const paddr root = *arena->allocate_table(F::levels[0]);
    engine<F, A> e(*arena, root);
    free_at_once<A, F> sink{*arena};
    REQUIRE(e.map_linear(fx::biggest, 0, fx::biggest, rw, true, sink));
    REQUIRE(e.map_region(4 * fx::biggest, [](vaddr v) { return v; }, 3 * fx::page, rx, false, sink));
    REQUIRE(e.unmap_region(fx::biggest + fx::huge / 2, fx::page, sink));  // splits
    CHECK(e.query(fx::biggest + fx::huge / 2).is(error::not_mapped));
    CHECK(e.query(fx::biggest + fx::huge / 2 + fx::page)->pa == fx::huge / 2 + fx::page);
    // an affine run of the split table re-encoded in one pass (the arena's fill), then back
    REQUIRE(e.protect_region(fx::biggest + fx::huge / 2 + fx::page, 8 * fx::page, r, sink));
    CHECK(e.query(fx::biggest + fx::huge / 2 + 8 * fx::page)->flags == F::effective(r));
    CHECK(e.query(fx::biggest + fx::huge / 2 + 9 * fx::page)->flags == F::effective(rw));
    REQUIRE(e.protect_region(fx::biggest + fx::huge / 2 + fx::page, 8 * fx::page, rw, sink));
    CHECK(e.unmap_region(fx::biggest, fx::biggest, sink).is(error::not_mapped));  // the hole
    REQUIRE(e.unmap_region(fx::biggest, fx::huge / 2, sink));
    REQUIRE(e.unmap_region(fx::biggest + fx::huge / 2 + fx::page,
                           fx::biggest - fx::huge / 2 - fx::page, sink));
    REQUIRE(e.unmap_region(4 * fx::biggest, 3 * fx::page, sink));
    // single-page unmaps reclaim at once with this sink; the first leaves its table non-empty
    REQUIRE(e.map(8 * fx::biggest, 0, fx::page, rw, sink));
    REQUIRE(e.map(8 * fx::biggest + fx::page, 0, fx::page, rw, sink));
    REQUIRE(e.unmap(8 * fx::biggest + fx::page, sink));
    CHECK(e.query(8 * fx::biggest)->pa == 0);
    REQUIRE(e.unmap(8 * fx::biggest, sink));
    CHECK(arena->tables_in_use() == 1);  // emptied tables went back at once
}

TEMPLATE_LIST_TEST_CASE("break-before-make: a changed output address or size is invalidated before the new entry",
                        "[engine][tlb]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    bbm_log log;
    using PT = page_table<F, handler_memory<pool_handler>, bbm_tlb>;
    auto pt = PT::create(pool_handler{&pool}, bbm_tlb{&log});
    REQUIRE(pt.has_value());
    const vaddr va = 2 * fx::huge;
    {
        auto c = pt->cursor();
        REQUIRE(c.map(va, 0, fx::huge, rw));
        REQUIRE(c.map(8 * fx::huge, 0x5'0000, fx::page, rw));
    }
    log.events.clear();
    {
        auto c = pt->cursor();
        // same frame, new flags: no break needed
        REQUIRE(c.remap(8 * fx::huge, 0x5'0000, r));
        CHECK(log.events.empty());
        // new frame: invalidated at once, inside the call
        REQUIRE(c.remap(8 * fx::huge, 0x6'0000, rw));
        CHECK(log.events == std::vector<std::string>{"page " + std::to_string(8 * fx::huge)});
        // a split changes the entry's size: the huge page is invalidated at once
        REQUIRE(c.protect_region(va + fx::page, fx::page, r));
        CHECK(log.events.size() == 2);
        CHECK(log.events[1] == "page " + std::to_string(va));
    }
    CHECK(pt->query(8 * fx::huge)->pa == 0x6'0000);
    CHECK(pt->query(va + fx::page)->flags == F::effective(r));
    CHECK(pt->query(va)->pa == 0);
}

TEMPLATE_LIST_TEST_CASE("more retired tables than a batch holds: flushed in the middle of the call, all freed",
                        "[engine][tlb][reclaim]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    using cursor_type = ptgen::cursor<pool_table<F>>;
    frame_pool pool(1024);
    auto pt = make_table<F>(pool);
    const std::size_t n = cursor_type::retire_batch + 3;  // last-level tables
    REQUIRE(pt.cursor().map_region(fx::biggest, [](vaddr v) { return v; }, n * fx::huge, rw, false));
    REQUIRE(pool.live_frames() >= root_frames<F>() + n);
    {
        auto c = pt.cursor();
        REQUIRE(c.unmap_region(fx::biggest, n * fx::huge));
    }
    CHECK(pool.live_frames() == root_frames<F>());
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("protect_region of exactly one huge page rewrites it in place",
                        "[engine]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    REQUIRE(pt.cursor().map(2 * fx::huge, 0, fx::huge, rw));
    const auto frames = pool.live_frames();
    REQUIRE(pt.cursor().protect_region(2 * fx::huge, fx::huge, r | flags::execute));
    CHECK(pool.live_frames() == frames);  // no split
    CHECK(pt.query(2 * fx::huge + 8)->size == fx::huge);
    CHECK(pt.query(2 * fx::huge + 8)->flags == F::effective(rx));
}

TEMPLATE_LIST_TEST_CASE("map_region with a get_paddr linear only within each huge page places each huge leaf at its own address",
                        "[engine][huge]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    // huge pages in reverse physical order, 4 KiB pages at the ends
    const vaddr va = 2 * fx::biggest - 2 * fx::page;
    const std::uint64_t size = 4 * fx::huge + 4 * fx::page;
    auto reversed = [](vaddr v) {
        const vaddr base = 2 * fx::biggest - fx::huge;  // huge page numbers counted from here
        const std::uint64_t n = (v - base) / fx::huge;
        return (16 - n) * fx::huge + (v - base) % fx::huge;
    };
    REQUIRE(pt.cursor().map_region(va, reversed, size, rw, true));
    for (vaddr v = va; v < va + size; v += fx::page / 2) {
        auto q = pt.query(v);
        REQUIRE(q.has_value());
        CHECK(q->pa == reversed(v));
    }
    CHECK(pt.query(2 * fx::biggest + 8)->size == fx::huge);
}

TEMPLATE_LIST_TEST_CASE("protect_region of a run of pages to the flags they have writes nothing",
                        "[engine]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    REQUIRE(pt.cursor().map_linear(fx::huge, 0x10'0000, 16 * fx::page, rw, false));
    const auto before = take_snapshot(pt);
    {
        auto c = pt.cursor();
        REQUIRE(c.protect_region(fx::huge + fx::page, 12 * fx::page, rw));
        CHECK(c.pending() == 0);
    }
    CHECK(take_snapshot(pt) == before);
    REQUIRE(pt.cursor().protect_region(fx::huge + fx::page, 12 * fx::page, r));
    CHECK(pt.query(fx::huge + 5 * fx::page)->flags == F::effective(r));
    CHECK(pt.query(fx::huge)->flags == F::effective(rw));
}

TEMPLATE_LIST_TEST_CASE("a table the handler places above the format's physical range is no memory",
                        "[engine][fault]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    // "RAM" whose first 8 frames are the top of the format's physical range, the rest above it
    const paddr base = (paddr{1} << F::pa_bits) - 8 * 4096;
    frame_pool pool(64, base);
    auto pt = make_table<F>(pool);
    while (pool.live_frames() < 8) REQUIRE(pool.alloc(1, 4096).has_value());  // the rest of the range
    const auto before = take_snapshot(pt);
    const auto live = pool.live();
    CHECK(pt.cursor().map(fx::biggest, 0x5'0000, fx::page, rw).is(error::no_memory));
    CHECK(take_snapshot(pt) == before);
    CHECK(pool.live() == live);
    CHECK(pool.bad_frees() == 0);
    // and a root up there is refused by create()
    frame_pool high(16, paddr{1} << F::pa_bits);
    CHECK(pool_table<F>::create(pool_handler{&high}).is(error::no_memory));
    CHECK(high.live_frames() == 0);
}

TEMPLATE_LIST_TEST_CASE("a handler's zero_frames zeroes each new table, with the table's size; without it ptgen does",
                        "[engine][handler]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    // the pool dirties every frame it hands out: a table left unzeroed would decode as mapped
    std::uint64_t all_levels = 0;
    for (const auto& g : F::levels) all_levels += g.table_bytes();
    frame_pool pool(64 * fx::table_frames + 64);
    auto pt = make_table<F>(pool);
    CHECK(pool.zero_calls() == 1);
    CHECK(pool.zero_bytes() == F::levels[0].table_bytes());
    const vaddr va = fx::biggest;  // a path of empty tables down to the last level
    REQUIRE(pt.cursor().map(va, fx::pa_offset, fx::page, rw));
    CHECK(pool.zero_calls() == F::levels.size());
    CHECK(pool.zero_bytes() == all_levels);
    CHECK(pool.bad_zeroes() == 0);
    CHECK(pt.query(va + fx::page).err() == error::not_mapped);  // the rest of the table: empty
    REQUIRE(pt.query(va));
    CHECK(pt.query(va)->pa == fx::pa_offset);

    frame_pool plain(64 * fx::table_frames + 64);
    auto pt2 = page_table<F, handler_memory<plain_pool_handler>>::create(plain_pool_handler{&plain});
    REQUIRE(pt2);
    REQUIRE(pt2->cursor().map(va, fx::pa_offset, fx::page, rw));
    CHECK(plain.zero_calls() == 0);
    CHECK(pt2->query(va + fx::page).err() == error::not_mapped);
}

TEST_CASE("boot register values name the root at run time", "[engine][registers]") {
    volatile paddr v_low = 0x8000'0000, v_high = 0x8000'4000;  // computed at run time
    const paddr low = v_low, high = v_high;
    CHECK(x86_64::long_mode_4level::boot_registers(low, high).cr3 == low);
    CHECK(riscv::sv39::boot_registers(low, high).satp == ((8ull << 60) | (low >> 12)));
    CHECK(riscv::sv48::boot_registers(low, high).satp == ((9ull << 60) | (low >> 12)));
    const auto el1 = aarch64::stage1_4k_el1::boot_registers(low, high);
    CHECK(el1.ttbr0_el1 == low);
    CHECK(el1.ttbr1_el1 == high);
    CHECK(el1.mair_el1 == aarch64::stage1_4k_el1::mair);
    CHECK(aarch64::stage1_4k_el1::ttbr(low, 5) == ((5ull << 48) | low));
    const auto el2 = aarch64::stage1_4k_el2::boot_registers(low, high);
    CHECK(el2.ttbr0_el2 == low);
    CHECK(el2.tcr_el2 == aarch64::stage1_4k_el2::tcr_el2);
    const auto arm = arm::short_descriptor::boot_registers(low, high);
    CHECK((arm.ttbr0 & arm::ttbr::base::mask) == low);
    CHECK(arm.dacr == 1);
    const auto la = loongarch64::la64_4level::boot_registers(low, high);
    CHECK(la.pgdl == low);
    CHECK(la.pgdh == high);
    CHECK(la.pwcl == loongarch64::la64_4level::pwcl());
}

TEMPLATE_LIST_TEST_CASE("registers::named() lists every register value of the boot registers",
                        "[engine][registers]", all_format_types) {
    using F = TestType;
    volatile paddr v_low = 0x8000'0000, v_high = 0x8000'4000;
    const auto regs = F::boot_registers(v_low, v_high);
    const auto named = regs.named();
    static_assert(sizeof(regs) >= named.size() * sizeof(std::uint32_t));
    bool root_named = false;
    for (const auto& r : named) {
        CHECK(std::string(r.name).size() > 0);
        // the root is in the register that names it (satp and ttbr hold it shifted or masked)
        root_named |= r.value == v_low || r.value == (v_low >> 12) || (r.value & ~0xfffull) == v_low ||
                      (r.value & 0xfff'ffff'ffffull) == (v_low >> 12) ||
                      (r.value & 0x3f'ffffull) == (v_low >> 12);  // RV32 satp: PPN in 21:0
    }
    CHECK(root_named);
    for (std::size_t i = 0; i < named.size(); ++i)
        for (std::size_t j = i + 1; j < named.size(); ++j)
            CHECK(std::string(named[i].name) != std::string(named[j].name));
}

TEST_CASE("every error has a name; the sizes literals are what they say", "[engine][errors]") {
    const std::vector<std::string> names = {"no_memory", "not_aligned", "not_mapped",
                                            "already_mapped", "mapped_to_huge_page",
                                            "out_of_range", "invalid_flags"};
    for (std::size_t e = 0; e < names.size(); ++e) CHECK(to_string(error(e)) == names[e]);
    volatile unsigned char bad = 200;
    CHECK(std::string(to_string(error(bad))) == "unknown");
    volatile unsigned long long n = 3;
    CHECK(operator""_KiB(n) == 3 * 1024);
    CHECK(operator""_MiB(n) == 3 * 1024 * 1024);
    CHECK(operator""_GiB(n) == 3ull << 30);
    CHECK(operator""_TiB(n) == 3ull << 40);
}

TEMPLATE_LIST_TEST_CASE("single-page map and unmap through one long-lived cursor: churn against a model",
                        "[engine][cursor]", all_format_types) {
    // unmap(va) reclaims emptied tables at the cursor's next flush; many reclaims pending and
    // full retire batches in between must neither lose a page nor free a table twice.
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(8192);
    auto pt = make_table<F>(pool);
    const auto root_only = pool.live_frames();
    std::uint64_t rng = 0x2545'f491'4f6c'dd1d;
    auto next = [&] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    std::uint64_t window = 64_GiB;
    while (!F::va_valid(window - 1)) window >>= 1;
    std::map<vaddr, paddr> model;
    std::vector<vaddr> live(48);
    {
        auto c = pt.cursor();
        auto map_new = [&](vaddr& slot) {
            for (;;) {
                const vaddr v = (next() % (window / fx::page)) * fx::page;
                const paddr pa = 0x1000'0000 + (v & 0xfff'ffff);
                const auto st = c.map(v, pa, fx::page, rw);
                if (st) {
                    slot = v;
                    model[v] = pa;
                    return;
                }
                REQUIRE(st.is(error::already_mapped));
            }
        };
        for (auto& v : live) map_new(v);
        for (int it = 0; it < 3000; ++it) {
            vaddr& slot = live[next() % live.size()];
            const auto old = c.unmap(slot);
            REQUIRE(old);
            CHECK(old->pa == model[slot]);
            model.erase(slot);
            map_new(slot);
            if (it % 500 == 0) c.flush();
        }
        for (const auto& [v, pa] : model) REQUIRE(pt.query(v)->pa == pa);
    }
    // after the flush: no empty table kept, every frame a reachable table
    std::size_t frames = 0;
    for (const auto& [pa, level] : reachable_tables(pt))
        frames += (F::levels[level].table_bytes() + 4095) / 4096;
    CHECK(frames == pool.live_frames());
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::table)
            CHECK(has_present_entry(pt, F::address(e.raw, e.level), e.level + 1));
    });
    {
        auto c = pt.cursor();
        for (vaddr v : live) REQUIRE(c.unmap(v));
    }
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("a huge page replaces the emptied tables an open cursor has yet to reclaim",
                        "[engine][cursor]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    if constexpr (fx::huge != fx::page) {
        frame_pool pool(256);
        auto pt = make_table<F>(pool);
        const auto root_only = pool.live_frames();
        auto c = pt.cursor();
        REQUIRE(c.map(fx::huge, 0x10'0000, fx::page, rw));
        REQUIRE(c.unmap(fx::huge));          // its tables wait for the flush
        CHECK(c.reclaims_pending() == 1);
        // mapping a huge page there fails on nothing but a real mapping
        REQUIRE(c.map(fx::huge, 0, fx::huge, rw));
        CHECK(pt.query(fx::huge + 0x1234)->size == fx::huge);
        REQUIRE(c.unmap(fx::huge));
        REQUIRE(c.map(fx::huge, fx::page, fx::page, rw));
        REQUIRE(c.unmap(fx::huge));
        REQUIRE(c.map_linear(fx::huge, 0, fx::huge, rw, true));  // the same through map_linear
        CHECK(pt.query(fx::huge)->size == fx::huge);
        REQUIRE(c.unmap(fx::huge));
        c.flush();
        CHECK(pool.live_frames() == root_only);
        CHECK(pool.bad_frees() == 0);
    }
}
