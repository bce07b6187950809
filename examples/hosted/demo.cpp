// examples/hosted/demo.cpp: ptgen on a host. For every format: a kernel-style layout built by
// the compiler on a static_arena (and checked by static_assert), then the same layout built at
// run time with a frame allocator, then the run-time API at work (split, protect, no access,
// collapse, remap, unmap, reclaim). Prints one table row per format.
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <vector>

#include <fstream>
#include <sstream>

#include <boost/hana/for_each.hpp>
#include <ptgen/all_formats.hpp>
#include <ptgen/boot.hpp>
#include <ptgen/generators/dump.hpp>
#include <ptgen/generators/svg.hpp>
#include <ptgen/ptgen.hpp>

using namespace ptgen;

namespace {

// The boot image the demo shows as ptgen-dump would: the README's RISC-V kernel layout.
constexpr boot::layout<riscv::sv39> shown_layout{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x8000'0000, 1_GiB, rw | global, "ram"),
                boot::linear(0xffff'ffff'8000'0000, 0x8020'0000, 2_MiB, rx | global, "kernel text")
                    .small_pages(),
                boot::linear(0xffff'ffff'8020'0000, 0x8040'0000, 2_MiB, rw | global, "kernel data")
                    .small_pages(),
                boot::device_window(0x1000'0000, 4_KiB, "uart")}};
constexpr auto shown_image = boot::build<shown_layout>();

// Physical memory for tables: a host buffer posing as RAM at 0x4000'0000.
class host_frames {
public:
    static constexpr paddr base = 0x4000'0000;
    explicit host_frames(std::size_t frames)
        : ram_(static_cast<unsigned char*>(std::aligned_alloc(16384, frames * 4096))),
          used_(frames) {}
    ~host_frames() { std::free(ram_); }
    std::optional<paddr> alloc(std::size_t n, std::size_t align) {
        const std::size_t step = align > 4096 ? align / 4096 : 1;
        for (std::size_t f = 0; f + n <= used_.size(); f += step) {
            bool free = true;
            for (std::size_t k = 0; k < n; ++k) free = free && !used_[f + k];
            if (!free) continue;
            for (std::size_t k = 0; k < n; ++k) used_[f + k] = true;
            live_ += n;
            return base + f * 4096;
        }
        return std::nullopt;
    }
    void dealloc(paddr pa, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) used_[(pa - base) / 4096 + k] = false;
        live_ -= n;
    }
    void* virt(paddr pa) { return ram_ + (pa - base); }
    std::size_t live() const { return live_; }

private:
    unsigned char* ram_;
    std::vector<bool> used_;
    std::size_t live_ = 0;
};

struct handler {  // the seed's PagingHandler, as a small handle to the allocator
    host_frames* frames;
    std::optional<paddr> alloc_frame() { return frames->alloc(1, 4096); }
    std::optional<paddr> alloc_frames(std::size_t n, std::size_t a) { return frames->alloc(n, a); }
    void dealloc_frame(paddr pa) { frames->dealloc(pa, 1); }
    void dealloc_frames(paddr pa, std::size_t n) { frames->dealloc(pa, n); }
    void* phys_to_virt(paddr pa) { return frames->virt(pa); }
};

// The layout: 64 MiB identity-mapped with the largest pages (or one block of the format's
// smallest, when that is larger: 512 MiB with AArch64's 64 KiB granule), a 4 MiB "kernel
// image" in the smallest pages at 0x10'0000 (text rx, data rw), and a 64 KiB device window.
template <class F>
constexpr std::uint64_t page_of = geometry_of<F>::min_page;
template <class F>
constexpr std::uint64_t identity_size = geometry_of<F>::span(geometry_of<F>::last - 1) > 64_MiB
                                            ? geometry_of<F>::span(geometry_of<F>::last - 1)
                                            : 64_MiB;

template <class F, class Cursor>
constexpr status build_layout(Cursor& c) {
    PTGEN_TRY(c.map_region(0x4000'0000, [](vaddr v) { return v; }, identity_size<F>,
                           rwx | global, true));
    PTGEN_TRY(c.map_region(0x10'0000, [](vaddr v) { return v + 0x3f00'0000; }, 2_MiB, rx, false));
    PTGEN_TRY(c.map_region(0x30'0000, [](vaddr v) { return v + 0x3f00'0000; }, 2_MiB, rw, false));
    PTGEN_TRY(c.map_region(0x900'0000, [](vaddr v) { return v; }, 64_KiB, rw | device, false));
    return {};
}

template <class F>
constexpr std::size_t arena_bytes =
    2 * geometry_of<F>::root_footprint + 16 * (page_of<F> > 4096 ? page_of<F> : 4096);

// Built by the compiler: the tables and the number of tables they need.
template <class F>
constexpr auto compile_time_layout() {
    auto pt = page_table<F, static_arena<F, arena_bytes<F>>>::create(
        static_arena<F, arena_bytes<F>>{0x8000'0000});
    {
        auto c = pt->cursor();
        (void)build_layout<F>(c);
    }
    return pt->memory().tables_in_use();
}

template <class F>
constexpr bool compile_time_layout_is_right() {
    auto pt = page_table<F, static_arena<F, arena_bytes<F>>>::create(
        static_arena<F, arena_bytes<F>>{0x8000'0000});
    auto c = pt->cursor();
    if (!build_layout<F>(c)) return false;
    return pt->query(0x4123'4567)->pa == 0x4123'4567 && pt->query(0x10'1234)->pa == 0x3f10'1234 &&
           pt->query(0x10'1234)->flags == F::effective(rx) &&
           pt->query(0x900'0000)->flags == F::effective(rw | device) &&
           pt->query(0x50'0000).is(error::not_mapped);
}

}  // namespace

int main(int argc, char** argv) {
    std::printf("%-22s %9s %9s %10s %10s %12s %8s\n", "format", "ct tables", "rt tables",
                "split ok", "collapse", "unmap->root", "checks");
    int failures = 0;
    boost::hana::for_each(ptgen::all_formats, [&](auto t) {
        using F = typename decltype(t)::type;
        static_assert(compile_time_layout_is_right<F>(), "the layout translates as designed");
        constexpr std::size_t ct_tables = compile_time_layout<F>();

        host_frames frames(1024);
        int passed = 0, checks = 0;
        auto check = [&](bool ok) { ++checks; passed += ok; };
        std::size_t rt_tables = 0;
        bool split_ok = false, collapse_ok = false, reclaimed = false;
        {
            auto pt = page_table<F, handler_memory<handler>>::create(handler{&frames});
            if (!pt) {
                std::printf("%-22s cannot allocate a root\n", F::name);
                ++failures;
                return;
            }
            {
                auto c = pt->cursor();
                check(build_layout<F>(c).has_value());
            }
            rt_tables = 1;  // the root, and every table an entry points to
            pt->walk(~std::size_t{0}, [&](const auto& e) { rt_tables += e.kind == entry_kind::table; });
            check(pt->query(0x4123'4567)->pa == 0x4123'4567);
            auto c = pt->cursor();
            // Protect one page inside the identity map read-only: its huge page is split.
            constexpr std::uint64_t page = page_of<F>;
            constexpr vaddr one = 0x4020'0000 + 3 * page;
            check(c.protect_region(one, page, r).has_value());
            split_ok = pt->query(one)->size == page && pt->query(one)->flags == F::effective(r) &&
                       pt->query(one + page)->flags == F::effective(rwx | global);
            check(split_ok);
            // mprotect(PROT_NONE) and back: the page keeps its frame and size meanwhile.
            check(c.protect(one, no_access).has_value());
            check(pt->query(one).has_value() && !grants_access(pt->query(one)->flags) &&
                  pt->query(one)->pa == one);
            // Uniform again, the split table collapses back into one huge page.
            check(c.protect(one, rwx | global).has_value());
            const auto collapsed = c.collapse(0x4000'0000, identity_size<F>);
            collapse_ok = collapsed && *collapsed == 1 &&
                          pt->query(one)->size == pt->query(0x4000'0000 + identity_size<F> / 2)->size;
            check(collapse_ok);
            check(c.remap(0x10'0000, 0x7000'0000, rx).has_value());
            check(pt->query(0x10'0010)->pa == 0x7000'0010);
            check(c.map(0x10'0000, 0, page, rw).is(error::already_mapped));
            check(c.unmap_region(0x4000'0000, identity_size<F>).has_value());
            check(c.unmap_region(0x10'0000, 4_MiB).has_value());
            check(c.unmap_region(0x900'0000, 64_KiB).has_value());
            c.flush();
            reclaimed = frames.live() == (F::levels[0].table_bytes() + 4095) / 4096;
            check(reclaimed);
        }
        check(frames.live() == 0);
        failures += passed != checks || ct_tables != rt_tables;
        std::printf("%-22s %9zu %9zu %10s %10s %12s %5d/%d\n", F::name, ct_tables, rt_tables,
                    split_ok ? "yes" : "NO", collapse_ok ? "yes" : "NO", reclaimed ? "yes" : "NO",
                    passed, checks);
    });
    std::printf(failures ? "DEMO FAILED\n" : "all formats: compile-time and run-time tables agree\n");

    // One compile-time image read back from its bytes, as ptgen-dump prints it, and its picture.
    const std::vector<std::uint64_t> tables(shown_image.tables.begin(), shown_image.tables.end());
    const auto decoded = generators::decode<riscv::sv39>(tables, shown_image.base, shown_image.root);
    std::printf("\nThe README's RISC-V kernel image, decoded:\n");
    std::ostringstream listing;
    generators::print_listing(listing, decoded, shown_image.root, shown_image.bytes, "boot image");
    std::fputs(listing.str().c_str(), stdout);
    const char* svg_path = argc > 1 ? argv[1] : "ptgen-boot-image.svg";  // (run-demo.sh: build/gcc/)
    std::ofstream svg(svg_path);
    generators::write_svg(svg, decoded, "the README's RISC-V kernel image");
    std::printf("picture: %s\n", svg_path);
    return failures ? 1 : 0;
}
