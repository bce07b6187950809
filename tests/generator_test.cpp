// The generator and decoder (generators/): a layout file read at run time builds exactly the
// tables the compiler builds for the same layout, for every format; the decoder reads them back
// into the layout's regions; bad layout files name the file, line, region and rule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/hana/for_each.hpp>
#include <ptgen/boot.hpp>
#include <ptgen/generators/dump.hpp>
#include <ptgen/generators/emit.hpp>
#include <ptgen/generators/layout_file.hpp>
#include <ptgen/generators/recipes.hpp>
#include <ptgen/generators/run_time_image.hpp>

#include "support/formats.hpp"

using namespace ptgen;
namespace gen = ptgen::generators;

namespace {

template <class F>
constexpr std::uint64_t ram_size = F::va_bits > 32 ? 1_GiB : 16_MiB;
constexpr recipes::kernel_sections kernel{0x4020'0000, 0x4030'0000, 0x4034'0000, 0x4040'0000};
template <class F>
constexpr boot::layout<F> layout_of =
    recipes::typical_layout<F>(0x8000'0000, 0x4000'0000, ram_size<F>, kernel, 0x0900'0000,
                               geometry_of<F>::min_page);
template <class F>
constexpr auto image_of = boot::build<layout_of<F>>();

std::string hex(std::uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "\"0x%llx\"", static_cast<unsigned long long>(v));
    return b;
}

// The layout as a layout file, as a user would write it.
template <class F>
std::string to_toml(const boot::layout<F>& l) {
    std::ostringstream s;
    s << "format = \"" << F::name << "\"\ntable_base = " << hex(l.table_base) << "\n";
    for (const boot::region& r : l.regions) {
        if (r.size == 0) continue;
        s << "\n[[region]]\nname = \"" << r.name << "\"\nva = " << hex(r.va) << "\npa = " << hex(r.pa)
          << "\nsize = " << hex(r.size) << "\nflags = [";
        const char* names[] = {"read", "write", "execute", "user", "device", "uncached", "global"};
        const flags bits[] = {flags::read, flags::write, flags::execute, flags::user,
                              flags::device, flags::uncached, flags::global};
        bool first = true;
        for (int k = 0; k < 7; ++k)
            if (has(r.attrs, bits[k])) s << (first ? "" : ", ") << '"' << names[k] << '"', first = false;
        s << "]\n";
        if (!r.allow_huge) s << "max_page = \"4 KiB\"\n";
        if (r.allow_write_execute) s << "writable_and_executable = true\n";
    }
    return s.str();
}

std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("ptgen-test-" + name + ".toml");
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("a layout file builds the tables boot::build<L>() builds, byte for byte",
                        "[generator]", test::all_format_types) {
    using F = TestType;
    const auto path = write_temp(F::name, to_toml(layout_of<F>));
    const auto spec = gen::read_layout_file(path);
    REQUIRE(spec);
    CHECK(spec.value->format == F::name);
    const auto l = gen::to_layout<F>(*spec.value);
    REQUIRE(gen::check_rules(*spec.value, l).empty());
    gen::run_time_image<F> img;
    REQUIRE(gen::build_image(l, img));
    const auto& built = image_of<F>;
    CHECK(img.base == built.base);
    CHECK(img.root == built.root);
    CHECK(img.high_root == built.high_root);
    REQUIRE(img.tables.size() == built.tables.size());
    CHECK(std::equal(img.tables.begin(), img.tables.end(), built.tables.begin()));
    // the binary emitter writes the same bytes as the section the compiler emits
    std::ostringstream bin;
    gen::emit_binary(bin, img);
    CHECK(bin.str().size() == built.bytes);
    CHECK(std::memcmp(bin.str().data(), built.tables.data(), built.bytes) == 0);
}

TEMPLATE_LIST_TEST_CASE("the decoder reads the layout's regions back from the tables",
                        "[generator][dump]", test::all_format_types) {
    using F = TestType;
    const auto& img = image_of<F>;
    const std::vector<typename F::entry_type> tables(img.tables.begin(), img.tables.end());
    auto d = gen::decode<F>(tables, img.base, img.root, false);
    if constexpr (F::split_roots) {
        const auto high = gen::decode<F>(tables, img.base, img.high_root, true);
        d.ranges.insert(d.ranges.end(), high.ranges.begin(), high.ranges.end());
        for (std::size_t l = 1; l < d.tables_per_level.size(); ++l)
            d.tables_per_level[l] += high.tables_per_level[l];
        d.tables_per_level[0] += 1;
    }
    CHECK(d.outside.empty());
    // tables per level add up to the image
    std::size_t bytes = 0;
    for (std::size_t l = 0; l < d.tables_per_level.size(); ++l)
        bytes += d.tables_per_level[l] *
                 (l == 0 ? geometry_of<F>::root_footprint : F::levels[l].table_bytes());
    CHECK(bytes == img.bytes);
    // merge ranges of every size back into regions: contiguous va and pa, equal flags
    std::vector<gen::mapped_range> merged;
    for (const auto& r : d.ranges) {
        if (!merged.empty() && merged.back().va + merged.back().size == r.va &&
            merged.back().pa + merged.back().size == r.pa && merged.back().attrs == r.attrs)
            merged.back().size += r.size;
        else
            merged.push_back(r);
    }
    std::vector<boot::region> regions;
    for (const auto& r : layout_of<F>.regions)
        if (r.size != 0) regions.push_back(r);
    std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) { return a.va < b.va; });
    // regions the hardware cannot tell apart (i386 32-bit paging: r and rx are both rx) and that
    // touch read back as one
    for (auto& r : regions) r.attrs = F::effective(r.attrs);
    for (std::size_t i = 1; i < regions.size();) {
        auto& a = regions[i - 1];
        const auto& b = regions[i];
        if (a.va + a.size == b.va && a.pa + a.size == b.pa && a.attrs == b.attrs) {
            a.size += b.size;
            regions.erase(regions.begin() + std::ptrdiff_t(i));
        } else {
            ++i;
        }
    }
    REQUIRE(merged.size() == regions.size());
    for (std::size_t i = 0; i < regions.size(); ++i) {
        INFO(regions[i].name);
        CHECK(merged[i].va == regions[i].va);
        CHECK(merged[i].pa == regions[i].pa);
        CHECK(merged[i].size == regions[i].size);
        CHECK(merged[i].attrs == F::effective(regions[i].attrs));
    }
    // and the listing says so
    std::ostringstream listing;
    gen::print_listing(listing, d, img.root, img.bytes, "image");
    CHECK(listing.str().find(std::to_string(d.ranges.size()) + " ranges") != std::string::npos);
}

TEST_CASE("a layout file's page-size cap and W+X allowance reach the tables", "[generator]") {
    const auto path = write_temp("cap", R"(
format = "riscv-sv39"
table_base = 0x8040_0000
[[region]]
name = "ram"
va = 0x8000_0000
size = "1 GiB"
flags = ["rwx"]
max_page = "2 MiB"
writable_and_executable = true
)");
    const auto spec = gen::read_layout_file(path);
    REQUIRE(spec);
    const auto l = gen::to_layout<riscv::sv39>(*spec.value);
    REQUIRE(gen::check_rules(*spec.value, l).empty());
    gen::run_time_image<riscv::sv39> img;
    REQUIRE(gen::build_image(l, img));
    const auto d = gen::decode<riscv::sv39>(img.tables, img.base, img.root);
    REQUIRE(d.ranges.size() == 1);
    CHECK(d.ranges[0].page == 2_MiB);  // not one 1 GiB page
    CHECK(d.ranges[0].size == 1_GiB);
    CHECK(img.bytes() == 2 * 4096);
}

TEST_CASE("a layout file declares a guard region; the decoder lists it as no-access", "[generator]") {
    const auto path = write_temp("guard", R"(
format = "x86_64-4level"
table_base = 0x8040_0000
[[region]]
name = "stack"
va = 0x8000_0000
size = "64 KiB"
flags = ["rw", "global"]
[[region]]
name = "stack guard"
va = 0x8001_0000
size = "16 KiB"
flags = ["no_access", "global"]
)");
    const auto spec = gen::read_layout_file(path);
    REQUIRE(spec);
    const auto l = gen::to_layout<x86_64::long_mode_4level>(*spec.value);
    REQUIRE(gen::check_rules(*spec.value, l).empty());
    gen::run_time_image<x86_64::long_mode_4level> img;
    REQUIRE(gen::build_image(l, img));
    const auto d = gen::decode<x86_64::long_mode_4level>(img.tables, img.base, img.root);
    REQUIRE(d.ranges.size() == 2);
    CHECK(d.ranges[1].va == 0x8001'0000);
    CHECK(d.ranges[1].size == 16_KiB);
    CHECK(d.ranges[1].attrs == global);  // no permission: every access faults
    std::ostringstream listing;
    gen::print_listing(listing, d, img.root, img.bytes(), "image");
    CHECK(listing.str().find("--- no-access global") != std::string::npos);
}

TEST_CASE("bad layout files name the file, line, region and rule", "[generator]") {
    struct row {
        const char* name;
        const char* text;
        const char* expected;
    };
    const row rows[] = {
        {"overlap", "format = \"riscv-sv39\"\ntable_base = 0x8040_0000\n[[region]]\nname = \"ram\"\n"
                    "va = 0x8000_0000\nsize = \"1 GiB\"\nflags = \"rw\"\n[[region]]\nname = \"k\"\n"
                    "va = 0x8020_0000\nsize = \"2 MiB\"\nflags = \"rx\"\n",
         ":8: region \"k\" overlaps in virtual space region \"ram\""},
        {"flag", "format = \"riscv-sv39\"\ntable_base = 0x8040_0000\n[[region]]\nname = \"ram\"\n"
                 "va = 0x8000_0000\nsize = \"1 GiB\"\nflags = [\"rw\", \"dev\"]\n",
         ":7: region \"ram\": unknown flag \"dev\""},
        {"field", "format = \"riscv-sv39\"\ntable_base = 0x8040_0000\n[[region]]\nname = \"ram\"\n"
                  "size = \"1 GiB\"\nflags = \"rw\"\n",
         ":3: region \"ram\": missing field 'va'"},
        {"key", "format = \"riscv-sv39\"\ntable_base = 0x8040_0000\n[[region]]\nname = \"ram\"\n"
                "va = 0\nsize = \"1 GiB\"\nflag = \"rw\"\n",
         ":7: region \"ram\": unknown field 'flag'"},
        {"syntax", "format = \"riscv-sv39\"\ntable_base = = 1\n", ":2: syntax error"},
        {"empty", "format = \"riscv-sv39\"\ntable_base = 0x8040_0000\n", "no [[region]]"},
    };
    for (const row& r : rows) {
        INFO(r.name);
        const auto path = write_temp(std::string("bad-") + r.name, r.text);
        const auto spec = gen::read_layout_file(path);
        std::string error = spec ? "" : spec.error;
        if (spec) error = gen::check_rules(*spec.value, gen::to_layout<riscv::sv39>(*spec.value));
        CHECK(error.find(r.expected) != std::string::npos);
        CHECK(error.find(path) == 0);
    }
}

TEST_CASE("a compile-time region's page-size cap", "[boot][generator]") {
    static constexpr boot::layout<x86_64::long_mode_4level> capped{
        .table_base = 0x40'0000,
        .regions = {boot::identity(0x4000'0000, 1_GiB, rw, "ram").max_page_size(2_MiB)}};
    static constexpr auto img = boot::build<capped>();
    STATIC_REQUIRE(translate(img, 0x4012'3456)->size == 2_MiB);
    STATIC_REQUIRE(img.bytes == 3 * 4096);  // PML4, one PDPT, one PD of 2 MiB leaves
    STATIC_REQUIRE(boot::verify(img, capped));
}
