// The seed's names: ptgen::x86_64::page_table<Handler> and friends, with a stateless
// handler of static functions (the seed's PagingHandler style).
#include <catch2/catch.hpp>

#include <ptgen/ptgen.hpp>

#include "support/frame_pool.hpp"

using namespace ptgen;
using handler = test::global_pool_handler;

namespace {
template <class PT>
void map_query_unmap() {
    const auto live = handler::pool().live_frames();
    {
        auto pt = PT::create();
        REQUIRE(pt.has_value());
        auto c = pt->cursor();
        REQUIRE(c.map(0x4000'0000, 0x1000'0000, 4096, rw));
        CHECK(pt->query(0x4000'0abc)->pa == 0x1000'0abc);
        REQUIRE(c.unmap(0x4000'0000));
        REQUIRE(c.map(0x5000'0000, 0x1000'0000, 4096, rx));
    }
    CHECK(handler::pool().live_frames() == live);
}
}  // namespace

TEST_CASE("the seed's aliases work with a stateless handler", "[aliases]") {
    map_query_unmap<x86_64::page_table<handler>>();
    map_query_unmap<aarch64::page_table<handler>>();
    map_query_unmap<aarch64::el2_page_table<handler>>();
    map_query_unmap<arm::page_table<handler>>();
    map_query_unmap<riscv::sv39_page_table<handler>>();
    map_query_unmap<riscv::sv48_page_table<handler>>();
    map_query_unmap<loongarch64::page_table<handler>>();
    CHECK(handler::pool().bad_frees() == 0);
}

TEST_CASE("a stateful handler object is passed to create and kept by the table", "[aliases]") {
    test::frame_pool pool(64);
    {
        auto pt = riscv::sv39_page_table<test::pool_handler>::create(test::pool_handler{&pool});
        REQUIRE(pt.has_value());
        CHECK(pool.live_frames() == 1);
        CHECK(pt->memory().handler().pool == &pool);
        REQUIRE(pt->cursor().map(0x1000, 0x1000, 4096, rw));
        CHECK(pool.live_frames() == 3);
    }
    CHECK(pool.live_frames() == 0);
}

TEST_CASE("create reports no_memory when the handler has no frame", "[aliases]") {
    test::frame_pool pool(64);
    pool.limit(3);
    auto full = arm::page_table<test::pool_handler>::create(test::pool_handler{&pool});
    CHECK(full.is(error::no_memory));  // the 16 KiB ARMv7 root needs 4 frames
    CHECK(pool.live_frames() == 0);
}

TEST_CASE("frames above the format's physical range count as no memory", "[aliases]") {
    test::frame_pool high(64, 0x1'0000'0000);  // above 4 GiB: out of reach of ARMv7
    auto pt = arm::page_table<test::pool_handler>::create(test::pool_handler{&high});
    CHECK(pt.is(error::no_memory));
    CHECK(high.live_frames() == 0);
    auto wide = riscv::sv39_page_table<test::pool_handler>::create(test::pool_handler{&high});
    CHECK(wide.has_value());
}
