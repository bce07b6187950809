// Destroying a page_table adopted from boot tables: the boot tables stay exactly as they were
// (an entry of a table the memory policy does not own is never written behind the user's
// back), the tables it allocated are unlinked, flushed, then freed; release() keeps everything.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include <ptgen/boot.hpp>

#include "support/formats.hpp"

using namespace ptgen;

namespace {

// Sv39 boot tables as a kernel has them: RAM in 1 GiB pages, a higher-half alias in 4 KiB
// pages, a UART window.
constexpr boot::layout<riscv::sv39> sv39_layout{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x8000'0000, 1_GiB, rw | global, "ram"),
                boot::linear(0xffff'ffff'8000'0000, 0x8020'0000, 2_MiB, rx | global, "kernel")
                    .small_pages(),
                boot::device_window(0x1000'0000, 4_KiB, "uart")}};
constexpr auto sv39_image = boot::build<sv39_layout>();

// What happened, in order: frees of frames and TLB flushes.
struct event_log {
    std::vector<char> events;  // 'F' full flush, 'p' page flush, 'd' dealloc
};
struct logging_handler {
    test::frame_pool* pool;
    event_log* log;
    std::optional<paddr> alloc_frame() { return pool->alloc(1, test::frame_pool::frame); }
    std::optional<paddr> alloc_frames(std::size_t n, std::size_t a) { return pool->alloc(n, a); }
    void dealloc_frame(paddr pa) { log->events.push_back('d'), pool->dealloc(pa, 1); }
    void dealloc_frames(paddr pa, std::size_t n) { log->events.push_back('d'), pool->dealloc(pa, n); }
    void* phys_to_virt(paddr pa) const { return pool->to_virt(pa); }
};
struct logging_tlb {
    [[maybe_unused]] static constexpr bool break_before_make = false;
    event_log* log;
    void flush_page(vaddr) const { log->events.push_back('p'); }
    void flush_all() const { log->events.push_back('F'); }
};

// "RAM" whose first frames hold a copy of the image at its base.
template <class Image>
struct boot_ram {
    test::frame_pool pool{512, 0x8040'0000};
    explicit boot_ram(const Image& img) {
        REQUIRE(pool.alloc((img.bytes + 4095) / 4096, 4096) == img.base);
        std::memcpy(pool.to_virt(img.base), img.tables.data(), img.bytes);
    }
    bool tables_unchanged(const Image& img) const {
        return std::memcmp(pool.to_virt(img.base), img.tables.data(), img.bytes) == 0;
    }
};

}  // namespace

TEST_CASE("destroying an adopted table leaves the boot tables as they were", "[boot][adopt]") {
    boot_ram ram(sv39_image);
    const auto boot_frames = ram.pool.live_frames();
    event_log log;
    {
        auto pt = boot::adopt<riscv::sv39>(sv39_image.root, sv39_image.base, sv39_image.bytes,
                                           logging_handler{&ram.pool, &log}, logging_tlb{&log});
        CHECK(pt.query(0xffff'ffff'8000'1000)->pa == 0x8020'1000);
    }
    // Before the fix the root entries of the kernel alias and the UART were stored as 0 here.
    CHECK(ram.tables_unchanged(sv39_image));
    CHECK(log.events.empty());  // nothing owned: nothing flushed, nothing freed
    CHECK(ram.pool.live_frames() == boot_frames);
    auto again = boot::adopt<riscv::sv39>(sv39_image.root, sv39_image.base, sv39_image.bytes,
                                          test::pool_handler{&ram.pool});
    CHECK(again.query(0xffff'ffff'8000'1000)->pa == 0x8020'1000);
    CHECK(again.query(0x1000'0000)->flags == riscv::sv39::effective(rw | device | global));
    CHECK(again.release() == sv39_image.root);
}

TEST_CASE("tables mapped below boot tables are unlinked, flushed, then freed at destruction",
          "[boot][adopt]") {
    boot_ram ram(sv39_image);
    const auto boot_frames = ram.pool.live_frames();
    event_log log;
    {
        auto pt = boot::adopt<riscv::sv39>(sv39_image.root, sv39_image.base, sv39_image.bytes,
                                           logging_handler{&ram.pool, &log}, logging_tlb{&log});
        auto c = pt.cursor();
        // below the boot level-1 table of the kernel alias: a new level-2 table, owned
        REQUIRE(c.map(0xffff'ffff'8040'0000, 0x9000'0000, 4_KiB, rw));
        // in an empty root entry: two owned tables
        REQUIRE(c.map(0x20'0000'0000, 0x9000'1000, 4_KiB, rw));
        c.flush();
        CHECK(ram.pool.live_frames() == boot_frames + 3);
        log.events.clear();
    }
    CHECK(ram.pool.live_frames() == boot_frames);
    CHECK(ram.pool.bad_frees() == 0);
    // the links the run-time table added are gone again: the boot tables are as built
    CHECK(ram.tables_unchanged(sv39_image));
    // one full flush, then the three frees
    CHECK(log.events == std::vector<char>{'F', 'd', 'd', 'd'});
}

TEST_CASE("release() hands the tables over: destruction then frees and writes nothing",
          "[boot][adopt]") {
    boot_ram ram(sv39_image);
    event_log log;
    std::vector<std::byte> before;
    std::size_t frames = 0;
    {
        auto pt = boot::adopt<riscv::sv39>(sv39_image.root, sv39_image.base, sv39_image.bytes,
                                           logging_handler{&ram.pool, &log}, logging_tlb{&log});
        REQUIRE(pt.cursor().map(0xffff'ffff'8040'0000, 0x9000'0000, 4_KiB, rw));
        frames = ram.pool.live_frames();
        const auto* p = static_cast<const std::byte*>(ram.pool.to_virt(sv39_image.base));
        before.assign(p, p + sv39_image.bytes);
        log.events.clear();
        CHECK(pt.release() == sv39_image.root);
    }
    CHECK(log.events.empty());
    CHECK(ram.pool.live_frames() == frames);
    CHECK(std::memcmp(ram.pool.to_virt(sv39_image.base), before.data(), before.size()) == 0);
    auto again = boot::adopt<riscv::sv39>(sv39_image.root, sv39_image.base, sv39_image.bytes,
                                          test::pool_handler{&ram.pool});
    CHECK(again.query(0xffff'ffff'8040'0000)->pa == 0x9000'0000);
    (void)again.release();
}

TEMPLATE_LIST_TEST_CASE("an adopted table of every format: destruction restores the boot tables",
                        "[boot][adopt]", test::all_format_types) {
    using F = TestType;
    // A layout with holes at every level below the root, in both halves where there are two.
    static constexpr boot::layout<F> lay{
        .table_base = 0x8040'0000,
        .regions = {boot::identity(0x8000'0000, 4_MiB, rw, "ram").small_pages(),
                    boot::device_window(0x1000'0000, test::facts<F>::page, "uart")}};
    static constexpr auto img = boot::build<lay>();
    boot_ram ram(img);
    const auto boot_frames = ram.pool.live_frames();
    {
        auto pt = boot::adopt<F>(img.root, img.base, img.bytes, test::pool_handler{&ram.pool});
        auto c = pt.cursor();
        constexpr std::uint64_t page = test::facts<F>::page;
        REQUIRE(c.map(0x8000'0000 + 4_MiB, 0x9000'0000, page, rw));  // beside the boot leaves
        // a new last-level table: two last-level spans above the UART's
        const vaddr fresh = 0x1000'0000 + 2 * geometry_of<F>::span(geometry_of<F>::last - 1);
        REQUIRE(c.map(fresh, 0x9001'0000, page, rw));
        REQUIRE(c.unmap(0x8000'0000 + 4_MiB));
    }
    CHECK(ram.pool.live_frames() == boot_frames);
    CHECK(ram.pool.bad_frees() == 0);
    CHECK(ram.tables_unchanged(img));
}

// Unmapping a range that covers a boot table whole unlinks it without writing it, and frees
// the tables ptgen allocated below it (the split of one of its huge pages).
constexpr boot::layout<riscv::sv39> huge_layout{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x4000'0000, 1_GiB, rw | global, "ram").max_page_size(2_MiB)}};
constexpr auto huge_image = boot::build<huge_layout>();

TEST_CASE("unmapping a boot table whole frees the owned tables below it", "[boot][adopt]") {
    boot_ram ram(huge_image);
    const auto boot_frames = ram.pool.live_frames();
    SECTION("entries counted") {
        auto pt = boot::adopt<riscv::sv39>(huge_image.root, huge_image.base, huge_image.bytes,
                                           test::pool_handler{&ram.pool});
        auto c = pt.cursor();
        REQUIRE(c.protect_region(0x4020'1000, 4_KiB, r | global));  // splits one 2 MiB page
        CHECK(ram.pool.live_frames() == boot_frames + 1);
        REQUIRE(c.unmap_region(0x4000'0000, 1_GiB));
        c.flush();
        CHECK(pt.query(0x4020'1000).err() == error::not_mapped);
        CHECK(ram.pool.live_frames() == boot_frames);
        CHECK(ram.pool.bad_frees() == 0);
        // the level-1 boot table still holds what it held, but for the split page's entry,
        // which the split re-pointed to the table ptgen allocated
        const auto root_entry = huge_image.tables[(huge_image.root - huge_image.base) / 8 + 1];
        const paddr l1_pa = riscv::sv39::address(root_entry, 0);
        const auto* l1 = static_cast<const std::uint64_t*>(ram.pool.to_virt(l1_pa));
        const auto* boot_l1 = huge_image.tables.data() + (l1_pa - huge_image.base) / 8;
        CHECK(l1[0] == boot_l1[0]);
        CHECK(std::memcmp(l1 + 2, boot_l1 + 2, 510 * 8) == 0);
        (void)pt.release();
    }
    SECTION("entries not counted") {
        auto pt = boot::adopt<riscv::sv39>(huge_image.root, huge_image.base, huge_image.bytes,
                                           test::plain_pool_handler{&ram.pool});
        auto c = pt.cursor();
        REQUIRE(c.protect_region(0x4020'1000, 4_KiB, r | global));
        REQUIRE(c.unmap_region(0x4000'0000, 1_GiB));
        c.flush();
        CHECK(ram.pool.live_frames() == boot_frames);
        (void)pt.release();
    }
}
