// The codec rules every format obeys, checked generically for every format of all_formats:
// every accepted flag set round-trips to what the hardware grants, at every leaf level.
#include <catch2/catch.hpp>

#include "support/formats.hpp"

using namespace ptgen;

TEMPLATE_LIST_TEST_CASE("encode and decode round-trip every flag set at every leaf level",
                        "[codec]", test::all_format_types) {
    using F = TestType;
    for (unsigned level = 0; level < F::levels.size(); ++level) {
        const auto& g = F::levels[level];
        const paddr pa = g.span() * 3 & ((paddr{1} << (F::pa_bits < 40 ? F::pa_bits : 40)) - 1);
        if (level + 1 < F::levels.size()) {
            const auto t = F::encode_table(0x7'0000, level);
            CHECK(F::kind(t, level) == entry_kind::table);
            CHECK(F::address(t, level) == 0x7'0000);
        }
        CHECK(F::kind(0, level) == entry_kind::empty);
        if (!g.leaf_allowed) continue;
        for (unsigned bits = 0; bits < 128; ++bits) {
            const flags f = flags(bits);
            if (!F::accepts(f)) {
                CHECK((!flags_well_formed(f) || has(f, flags::user)));  // only EL2 refuses a flag (user)
                continue;
            }
            // A no-access leaf grants nothing, keeps its kind, address and size; with access,
            // every format grants read.
            CHECK(grants_access(F::effective(f)) == grants_access(f));
            const auto e = F::encode_leaf(pa, f, level);
            INFO(F::name << " level " << level << " flags " << bits);
            CHECK(F::kind(e, level) == entry_kind::leaf);
            CHECK(F::address(e, level) == pa);
            CHECK(F::leaf_flags(e, level) == F::effective(f));
            // never less than asked, except the memory type where the format has none (and the
            // PL0 variant of ARMv7's no-access encoding)
            const flags may_drop = grants_access(f) ? flags::device | flags::uncached | flags::global
                                                    : flags::device | flags::uncached | flags::global | flags::user;
            CHECK(has(F::effective(f), f & ~may_drop));
            CHECK(F::effective(F::effective(f)) == F::effective(f));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("device with uncached is refused; no access is a leaf", "[codec]",
                        test::all_format_types) {
    CHECK(TestType::accepts(no_access));
    CHECK(TestType::accepts(flags::global));
    CHECK_FALSE(TestType::accepts(rw | device | uncached));
    CHECK_FALSE(TestType::accepts(device | uncached));
    CHECK(TestType::accepts(r));
    CHECK(TestType::accepts(rw | device));
}
