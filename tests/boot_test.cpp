// Compile-time boot tables for every format: the typical layout of the recipes, built by the
// compiler, proven by static_assert (every region, huge-page interiors, holes, W^X, exact
// size against a run-time build, relocation), then adopted by a run-time page_table.
#include <catch2/catch.hpp>

#include <cstring>

#include <boost/hana/for_each.hpp>
#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>

#include "support/formats.hpp"
#include "support/layout_bytes.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;

namespace {

// 1 GiB of RAM at 1 GiB (a 16 MiB direct map on ARMv7 to stay below 4 GiB), the kernel at
// +2 MiB with 1 MiB of text, 256 KiB of rodata, 768 KiB of data, a UART window.
template <class F>
constexpr std::uint64_t ram_size = F::va_bits > 32 ? 1_GiB : 16_MiB;
constexpr recipes::kernel_sections kernel{0x4020'0000, 0x4030'0000, 0x4034'0000, 0x4040'0000};

template <class F, paddr Base>
constexpr boot::layout<F> layout_at =
    recipes::typical_layout<F>(Base, 0x4000'0000, ram_size<F>, kernel, 0x0900'0000,
                               geometry_of<F>::min_page);

template <class F>
constexpr paddr table_base = 0x8000'0000;
template <class F>
constexpr const auto& test_layout = layout_at<F, table_base<F>>;
template <class F>
constexpr auto image = boot::build<test_layout<F>>();
template <class F>
constexpr auto image_at_0 = boot::build<layout_at<F, 0>>();

template <class F>
constexpr bool image_is_right() {
    const auto& img = image<F>;
    using ua = recipes::usual_addresses<F>;
    // every region at its start, end - 1 and middle, with its flags; no unasked W+X
    if (!boot::verify(img, test_layout<F>)) return false;
    // a huge page of the identity map translates with its offset
    const auto huge = translate(img, 0x4012'3456);
    constexpr std::uint64_t page = geometry_of<F>::min_page;
    if (!huge || huge->pa != 0x4012'3456 || huge->size == page) return false;
    // kernel text is rx in the smallest pages, data rw, both at the usual kernel address
    const auto text = translate(img, ua::kernel_image + 0x1234);
    if (!text || text->pa != 0x4020'1234 || text->size != page ||
        text->flags != F::effective(rx | global))
        return false;
    if (translate(img, ua::kernel_image + 0x14'0000)->flags != F::effective(rw | global)) return false;
    // holes stay holes
    if (!translate(img, 0x0900'0000 + page).is(error::not_mapped)) return false;
    if (!translate(img, ua::kernel_image + 0x20'0000).is(error::not_mapped)) return false;
    // roots are aligned and inside the image
    if (!is_aligned(img.root, F::levels[0].table_align) || img.root < img.base ||
        img.high_root - img.base >= img.bytes)
        return false;
    return F::split_roots == (img.root != img.high_root);
}

// Tables built for base 0 and relocated are byte for byte the tables built for the base.
template <class F>
constexpr bool relocation_is_exact() {
    const auto moved = boot::relocated(image_at_0<F>, table_base<F>);
    return moved.tables == image<F>.tables && moved.root == image<F>.root &&
           moved.high_root == image<F>.high_root;
}


}  // namespace

TEST_CASE("boot images of every format translate as their layouts say", "[boot]") {
    boost::hana::for_each(ptgen::all_formats, [](auto t) {
        using F = typename decltype(t)::type;
        static_assert(image_is_right<F>(), "the typical layout's image is right");
        static_assert(relocation_is_exact<F>(), "relocation from base 0 is exact");
        INFO(F::name);
        CHECK(image_is_right<F>());
        CHECK(relocation_is_exact<F>());
    });
}

TEST_CASE("boot images are exactly as large as their tables", "[boot]") {
    boost::hana::for_each(ptgen::all_formats, [](auto t) {
        using F = typename decltype(t)::type;
        INFO(F::name);
        CHECK(image<F>.bytes == test::runtime_layout_bytes(test_layout<F>, 4096));  // exact
        CHECK(sizeof(image<F>.tables) == image<F>.bytes);
    });
}

TEST_CASE("check_layout reports the broken rule at run time too", "[boot]") {
    using F = riscv::sv39;
    boot::layout<F> l{.table_base = 0x8000'0000,
                      .regions = {boot::identity(0x8000'0000, 2_MiB, rw, "a"),
                                  boot::identity(0x8010'0000, 2_MiB, rw, "b")}};
    CHECK_FALSE(boot::check_layout(l));
    l.regions[1] = boot::identity(0x8020'0000, 2_MiB, rw, "b");
    CHECK(boot::check_layout(l));
    l.regions[1].attrs = rwx;
    CHECK_FALSE(boot::check_layout(l));
    l.regions[1] = l.regions[1].writable_and_executable();
    CHECK(boot::check_layout(l));
}

TEMPLATE_LIST_TEST_CASE("adopted boot tables map on at run time and boot frames are never freed",
                        "[boot][adopt]", test::all_format_types) {
    using F = TestType;
    const auto& img = image<F>;
    const std::size_t boot_frames = (img.bytes + 4095) / 4096;
    test::frame_pool pool(4096, img.base);  // "RAM" whose first frames hold the boot tables
    REQUIRE(pool.alloc(boot_frames, 4096) == img.base);
    std::memcpy(pool.to_virt(img.base), img.tables.data(), img.bytes);
    const auto boot_live = pool.live_frames();
    const std::uint64_t huge = test::facts<F>::huge;
    {
        auto pt = boot::adopt<F>(img.root, img.base, img.bytes, test::pool_handler{&pool});
        CHECK(pt.root_paddr() == img.root);
        CHECK(pt.query(0x4012'3456)->pa == 0x4012'3456);
        auto c = pt.cursor();
        // a new mapping next to the boot regions gets its tables from the handler
        constexpr std::uint64_t page = geometry_of<F>::min_page;
        REQUIRE(c.map(0x2000'0000, 0x2'0000, page, rw));  // (no boot table covers it)
        CHECK(pool.live_frames() > boot_live);
        // splitting a boot huge page allocates from the handler too
        REQUIRE(c.unmap_region(0x4000'0000 + huge, page));
        CHECK(pt.query(0x4000'0000 + huge).is(error::not_mapped));
        CHECK(pt.query(0x4000'0000 + huge + page)->pa == 0x4000'0000 + huge + page);
        // unmapping a whole boot region empties boot tables: they are unlinked, never freed
        REQUIRE(c.unmap_region(0x0900'0000, page));
        CHECK(pt.query(0x0900'0000).is(error::not_mapped));
        REQUIRE(c.unmap(0x2000'0000));
    }
    // destroying the table gave back every frame it allocated, and no boot frame
    CHECK(pool.live_frames() == boot_live);
    CHECK(pool.bad_frees() == 0);
}

TEST_CASE("the linker-script fragment places and checks the section", "[boot]") {
    const auto text = boot::linker_script_fragment(image<riscv::sv39>);
    const std::string s = text.c_str();
    CHECK(s.find(".ptgen.boot 0x80000000 : ALIGN(0x1000)") != std::string::npos);
    CHECK(s.find("ASSERT(ADDR(.ptgen.boot) == 0x80000000") != std::string::npos);
}
