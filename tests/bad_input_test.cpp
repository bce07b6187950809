// The bad-input catalogue: every way a call can be wrong, for every format, with the error it
// must return and proof that it changed nothing (raw tables of both tables involved, frames).
//
// The flags rule (flags.hpp, result.hpp, each arch/<isa>.hpp):
//   - A mapping never grants less access (read, write, execute, user) than asked.
//   - Where the format cannot express a set exactly it grants more, says so in its header (the
//     "Flags the format widens" / "What the hardware grants" comment above its effective()), and
//     query() reports what the hardware grants: effective(f). x86-64, AArch64 and ARMv7 always
//     grant read (write-only and execute-only become read-write and read-execute); RISC-V grants
//     read with write (write without read is reserved), keeps execute-only, and takes memory
//     types from the PMAs (device and uncached are accepted, not encoded, not reported);
//     AArch64 EL2 adds global (nG is RES0 there); LoongArch expresses every set exactly.
//   - An empty permission set is a no-access leaf (flags.hpp: no_access): it grants nothing,
//     keeps the other attributes a format can hold while no access is possible (ARMv7 drops
//     user, RISC-V the memory types; AArch64 EL2 adds global), and query() reports it.
//   - Or it refuses with error::invalid_flags: device together with uncached, on every
//     format; user on AArch64 EL2 (no EL0).
// The second test checks the rule for all 128 flag sets through the page table, against the
// widening each header documents (kept in `widening` below).
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

template <class R>
std::optional<error> error_of(const R& r) {
    if (r) return std::nullopt;
    return r.err();
}

template <class F>
struct bad_input_fixture {
    using fx = facts<F>;
    using table = pool_table<F>;
    using cursor_type = ptgen::cursor<table>;
    static constexpr std::uint64_t page = fx::page;
    static constexpr std::uint64_t huge = fx::huge;
    static constexpr std::uint64_t root_span = F::levels[0].span();

    // The first address the format cannot translate above its low half (the hole, or the end).
    static constexpr vaddr hole = [] {
        for (vaddr c : {vaddr{1} << (F::va_bits - 1), vaddr{1} << F::va_bits})
            if (!F::va_valid(c)) return c;
        return vaddr{1} << 63;
    }();
    static constexpr bool has_high_half = F::va_valid(vaddr{0} - root_span);

    // A huge page at H, a 4 KiB page at P, holes at E; the lender's root entry at B is
    // borrowed by the table under test.
    static constexpr vaddr H = 2 * huge;
    static constexpr vaddr P = 8 * huge;
    static constexpr vaddr E = 16 * huge;
    // (a root of 4 entries, i386 PAE: the last one)
    static constexpr vaddr B = has_high_half             ? vaddr{0} - root_span
                               : F::va_valid(64 * root_span) ? 64 * root_span
                                                             : (F::levels[0].entries() - 1) * root_span;
    static constexpr paddr pa_limit = paddr{1} << F::pa_bits;

    frame_pool pool{1024};
    table lender = make_table<F>(pool);
    table pt = make_table<F>(pool);

    bad_input_fixture() {
        REQUIRE(lender.cursor().map(B, 0x8'0000, page, rw | global));
        REQUIRE(lender.cursor().map(B + root_span / 2, 0x9'0000, page, rw | global));
        auto c = pt.cursor();
        REQUIRE(c.map(H, 4 * huge, huge, rw));
        REQUIRE(c.map(P, 0x5'0000, page, rw));
        REQUIRE(c.copy_from(lender, B, root_span));
    }
};

template <class F>
struct bad_input {
    std::string what;
    error expected;
    std::function<std::optional<error>(typename bad_input_fixture<F>::cursor_type&)> call;
};

template <class F>
std::vector<bad_input<F>> catalogue(bad_input_fixture<F>& fix) {
    using X = bad_input_fixture<F>;
    constexpr auto page = X::page, huge = X::huge, root_span = X::root_span;
    constexpr vaddr H = X::H, P = X::P, E = X::E, B = X::B, hole = X::hole;
    constexpr vaddr outside = facts<F>::outside_va;
    auto id = [](vaddr v) { return v; };
    auto& lender = fix.lender;
    using C = typename X::cursor_type;
    const flags user_flag = F::accepts(r | user) ? flags::none : flags::user;

    std::vector<bad_input<F>> rows = {
        // ---- alignment -------------------------------------------------------------------
        {"map: va not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map(E + 0x800, 0x5'0000, page, rw)); }},
        {"map: pa not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map(E, 0x5800, page, rw)); }},
        {"map: size not a page size of the format", error::not_aligned,
         [=](C& c) { return error_of(c.map(E, 0x5'0000, 3 * page, rw)); }},
        {"map: huge page at a va not aligned to it", error::not_aligned,
         [=](C& c) { return error_of(c.map(E + page, 2 * huge, huge, rw)); }},
        {"map: huge page at a pa not aligned to it", error::not_aligned,
         [=](C& c) { return error_of(c.map(E, 2 * huge + page, huge, rw)); }},
        {"map_region: va not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map_region(E + 8, id, page, rw, true)); }},
        {"map_region: size not a page multiple", error::not_aligned,
         [=](C& c) { return error_of(c.map_region(E, id, page + 0x800, rw, true)); }},
        {"map_region: get_paddr returns a pa not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map_region(E, [](vaddr v) { return v + 0x10; }, 2 * page, rw, true)); }},
        {"map_linear: va not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map_linear(E + 0x800, 0x5'0000, page, rw, true)); }},
        {"map_linear: pa not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.map_linear(E, 0x5800, page, rw, true)); }},
        {"map_linear: size not a page multiple", error::not_aligned,
         [=](C& c) { return error_of(c.map_linear(E, 0x5'0000, page / 2, rw, true)); }},
        {"unmap_region: va not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.unmap_region(P + 0x800, page)); }},
        {"unmap_region: size not a page multiple", error::not_aligned,
         [=](C& c) { return error_of(c.unmap_region(P, 0x800)); }},
        {"protect_region: va not page-aligned", error::not_aligned,
         [=](C& c) { return error_of(c.protect_region(P + 0x800, page, r)); }},
        {"protect_region: size not a page multiple", error::not_aligned,
         [=](C& c) { return error_of(c.protect_region(P, page + 1, r)); }},
        {"remap: a huge page to a pa not aligned to it", error::not_aligned,
         [=](C& c) { return error_of(c.remap(H + page, 6 * huge + page, rw)); }},
        // ---- size 0 ----------------------------------------------------------------------
        {"map: size 0", error::not_aligned,
         [=](C& c) { return error_of(c.map(E, 0x5'0000, 0, rw)); }},
        {"map_region: size 0", error::not_aligned,
         [=](C& c) { return error_of(c.map_region(E, id, 0, rw, true)); }},
        {"map_linear: size 0", error::not_aligned,
         [=](C& c) { return error_of(c.map_linear(E, 0x5'0000, 0, rw, true)); }},
        {"unmap_region: size 0", error::not_aligned,
         [=](C& c) { return error_of(c.unmap_region(P, 0)); }},
        {"protect_region: size 0", error::not_aligned,
         [=](C& c) { return error_of(c.protect_region(P, 0, r)); }},
        {"copy_from: size 0", error::not_aligned,
         [&lender](C& c) { return error_of(c.copy_from(lender, 0, 0)); }},
        // ---- ranges that wrap, leave the space or cross the hole -------------------------
        {"map_linear: va + size wraps past the top", error::out_of_range,
         [=](C& c) { return error_of(c.map_linear(vaddr{0} - page, 0x5'0000, 2 * page, rw, false)); }},
        {"map_region: va + size wraps past the top", error::out_of_range,
         [=](C& c) { return error_of(c.map_region(vaddr{0} - page, id, 2 * page, rw, false)); }},
        {"unmap_region: va + size wraps past the top", error::out_of_range,
         [=](C& c) { return error_of(c.unmap_region(vaddr{0} - page, 2 * page)); }},
        {"protect_region: va + size wraps past the top", error::out_of_range,
         [=](C& c) { return error_of(c.protect_region(vaddr{0} - page, 2 * page, r)); }},
        {"map_linear: the range runs from the low half into the hole", error::out_of_range,
         [=](C& c) { return error_of(c.map_linear(hole - page, 0x5'0000, 2 * page, rw, false)); }},
        {"map_region: the range spans the whole space", error::out_of_range,
         [=](C& c) { return error_of(c.map_region(0, id, vaddr{0} - page, rw, true)); }},
        {"unmap_region: size of the whole space", error::out_of_range,
         [=](C& c) { return error_of(c.unmap_region(0, vaddr{0} - page)); }},
        {"protect_region: size of the whole space", error::out_of_range,
         [=](C& c) { return error_of(c.protect_region(page, vaddr{0} - 2 * page, r)); }},
        // ---- non-canonical addresses ----------------------------------------------------
        {"map: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.map(outside, 0x5'0000, page, rw)); }},
        {"map_linear: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.map_linear(outside, 0x5'0000, page, rw, true)); }},
        {"unmap: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.unmap(outside)); }},
        {"remap: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.remap(outside, 0x5'0000, rw)); }},
        {"protect: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.protect(outside, r)); }},
        {"unmap_region: non-canonical va", error::out_of_range,
         [=](C& c) { return error_of(c.unmap_region(outside, page)); }},
        // ---- physical addresses wider than the format ------------------------------------
        {"map: pa wider than the format", error::out_of_range,
         [=](C& c) { return error_of(c.map(E, X::pa_limit, page, rw)); }},
        {"map_linear: the pa range ends past the format's width", error::out_of_range,
         [=](C& c) { return error_of(c.map_linear(E, X::pa_limit - page, 2 * page, rw, true)); }},
        {"map_linear: the pa range wraps", error::out_of_range,
         [=](C& c) { return error_of(c.map_linear(E, paddr{0} - page, 2 * page, rw, true)); }},
        {"map_region: get_paddr returns a pa wider than the format", error::out_of_range,
         [=](C& c) { return error_of(c.map_region(E, [](vaddr v) { return v + X::pa_limit; }, page, rw, true)); }},
        {"remap: pa wider than the format", error::out_of_range,
         [=](C& c) { return error_of(c.remap(P, X::pa_limit, rw)); }},
        // ---- mapping over what is there ---------------------------------------------------
        {"map: over a present page", error::already_mapped,
         [=](C& c) { return error_of(c.map(P, 0x7'0000, page, rw)); }},
        {"map: a 4 KiB page inside a huge page", error::mapped_to_huge_page,
         [=](C& c) { return error_of(c.map(H + page, 0x7'0000, page, rw)); }},
        {"map: a huge page over a table that maps 4 KiB pages", error::already_mapped,
         [=](C& c) { return error_of(c.map(align_down(P, huge), 0, huge, rw)); }},
        {"map_region: over a present page", error::already_mapped,
         [=](C& c) { return error_of(c.map_region(P - page, id, 3 * page, rw, true)); }},
        {"map_region: a range that starts inside a huge page", error::already_mapped,
         [=](C& c) { return error_of(c.map_region(H + huge - page, id, 2 * page, rw, false)); }},
        {"map_linear: over a present page", error::already_mapped,
         [=](C& c) { return error_of(c.map_linear(P, 0x5'0000, page, rw, true)); }},
        // ---- unmap, remap, protect of what is not mapped ----------------------------------
        {"unmap: nothing there", error::not_mapped,
         [=](C& c) { return error_of(c.unmap(E)); }},
        {"remap: nothing there", error::not_mapped,
         [=](C& c) { return error_of(c.remap(E, 0x5'0000, rw)); }},
        {"protect: nothing there", error::not_mapped,
         [=](C& c) { return error_of(c.protect(E, r)); }},
        {"unmap_region: a hole after a present page", error::not_mapped,
         [=](C& c) { return error_of(c.unmap_region(P, 2 * page)); }},
        {"unmap_region: a hole before a huge page", error::not_mapped,
         [=](C& c) { return error_of(c.unmap_region(H - page, 2 * page)); }},
        {"protect_region: a hole inside the range", error::not_mapped,
         [=](C& c) { return error_of(c.protect_region(P - page, 2 * page, r)); }},
        {"protect_region: nothing there", error::not_mapped,
         [=](C& c) { return error_of(c.protect_region(E, huge, r)); }},
        // ---- copy_from --------------------------------------------------------------------
        {"copy_from: start not aligned to a root entry", error::not_aligned,
         [&lender](C& c) { return error_of(c.copy_from(lender, B + page, root_span)); }},
        {"copy_from: size not a multiple of a root entry", error::not_aligned,
         [&lender](C& c) { return error_of(c.copy_from(lender, B, root_span / 2)); }},
        {"copy_from: over root entries already present", error::already_mapped,
         [&lender](C& c) { return error_of(c.copy_from(lender, align_down(P, root_span), root_span)); }},
        {"copy_from: over root entries already borrowed", error::already_mapped,
         [&lender](C& c) { return error_of(c.copy_from(lender, B, root_span)); }},
        {"copy_from: non-canonical start", error::out_of_range,
         [&lender](C& c) { return error_of(c.copy_from(lender, align_down(outside, root_span), root_span)); }},
        {"copy_from: the range wraps", error::out_of_range,
         [&lender](C& c) { return error_of(c.copy_from(lender, vaddr{0} - root_span, 2 * root_span)); }},
        // Before the fix this range was accepted (already_mapped here; see the timing test).
        {"copy_from: the range crosses the hole or covers the whole space", error::out_of_range,
         [&lender](C& c) { return error_of(c.copy_from(lender, root_span, vaddr{0} - root_span)); }},
        // ---- calls on borrowed root entries ----------------------------------------------
        {"map: in a borrowed root entry", error::borrowed_range,
         [=](C& c) { return error_of(c.map(B + 2 * page, 0x5'0000, page, rw)); }},
        {"map_region: touching a borrowed root entry", error::borrowed_range,
         [=](C& c) { return error_of(c.map_region(B - page, id, 2 * page, rw, false)); }},
        {"unmap: a borrowed page", error::borrowed_range,
         [=](C& c) { return error_of(c.unmap(B)); }},
        {"remap: a borrowed page", error::borrowed_range,
         [=](C& c) { return error_of(c.remap(B, 0x5'0000, rw)); }},
        {"protect: a borrowed page", error::borrowed_range,
         [=](C& c) { return error_of(c.protect(B, r)); }},
        {"protect_region: a borrowed range", error::borrowed_range,
         [=](C& c) { return error_of(c.protect_region(B, page, r)); }},
        {"unmap_region: a borrowed range", error::borrowed_range,
         [=](C& c) { return error_of(c.unmap_region(B, page)); }},
        // ---- flags the format cannot express ---------------------------------------------
        {"map: device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.map(E, 0x5'0000, page, rw | device | uncached)); }},
        {"map: no access, device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.map(E, 0x5'0000, page, device | uncached)); }},
        {"map_region: no access, device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.map_region(E, id, page, global | device | uncached, true)); }},
        {"map_linear: device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.map_linear(E, 0x5'0000, page, r | device | uncached, true)); }},
        {"remap: no access, device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.remap(P, 0x5'0000, device | uncached)); }},
        {"protect: no access, device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.protect(P, user | device | uncached)); }},
        {"protect_region: device and uncached together", error::invalid_flags,
         [=](C& c) { return error_of(c.protect_region(P, page, r | device | uncached)); }},
    };
    if (user_flag != flags::none) {  // AArch64 EL2: no EL0, user is refused
        rows.push_back({"map: user on a format without a user level", error::invalid_flags,
                        [=](C& c) { return error_of(c.map(E, 0x5'0000, page, rw | user)); }});
        rows.push_back({"protect_region: user on a format without a user level", error::invalid_flags,
                        [=](C& c) { return error_of(c.protect_region(P, page, r | user)); }});
    }
    if (X::has_high_half) {
        rows.push_back({"map_linear: from the top of the low half into the high half",
                        error::out_of_range, [=](C& c) {
                            return error_of(c.map_linear(hole - page, 0x5'0000,
                                                         vaddr{0} - hole + 2 * page, rw, true));
                        }});
        rows.push_back({"copy_from: from the low half into the high half", error::out_of_range,
                        [&lender](C& c) {
                            return error_of(c.copy_from(lender, 0, vaddr{0} - root_span));
                        }});
    }
    return rows;
}

// What each format's header says it widens (effective(f) minus f) and drops (f minus
// effective(f)), for an accepted flag set f.
template <class F>
struct widening {
    static constexpr flags added = flags::read;  // x86-64, AArch64 EL1: readable, if any access
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::none;
};
template <>
struct widening<x86_32::two_level> {
    static constexpr flags added = flags::read | flags::execute;  // no execute-disable bit
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::none;
};
template <>
struct widening<arm::short_descriptor> {
    static constexpr flags added = flags::read;  // always readable, if any access
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::user;  // AP 0b000 has no PL0 form
};
template <>
struct widening<arm::long_descriptor> {
    static constexpr flags added = flags::read;  // always readable, if any access
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::none;
};
template <>
struct widening<aarch64::stage1_4k_el2> {
    static constexpr flags added = flags::read | flags::global;  // nG is RES0 at EL2
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::none;
};
template <unsigned L, unsigned M, bool P, bool N>
struct widening<riscv::sv_format<L, M, P, N>> {
    static constexpr flags added = flags::read;  // only with write (W without R is reserved)
    // without Svpbmt: the PMAs decide, not the PTE
    static constexpr flags dropped = P ? flags::none : flags::device | flags::uncached;
    static constexpr flags dropped_without_access = flags::none;
};
template <>
struct widening<riscv::sv32> : widening<riscv::sv39> {};  // one codec
template <>
struct widening<loongarch64::la64_4level> {
    static constexpr flags added = flags::none;  // NR and NX: every set is expressible
    static constexpr flags dropped = flags::none;
    static constexpr flags dropped_without_access = flags::none;
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("the bad-input catalogue: each call refused with its error and nothing changed",
                        "[errors][bad_input]", all_format_types) {
    using F = TestType;
    bad_input_fixture<F> fix;
    const auto rows = catalogue(fix);
    CHECK(rows.size() >= 70);
    for (const auto& row : rows) {
        INFO(F::name << ": " << row.what);
        const auto before = take_snapshot(fix.pt);
        const auto lender_before = take_snapshot(fix.lender);
        const auto frames = fix.pool.live();
        std::optional<error> got;
        {
            auto c = fix.pt.cursor();
            got = row.call(c);
            CHECK(c.pending() == 0);
            CHECK_FALSE(c.full_flush_pending());
        }
        REQUIRE(got.has_value());
        CHECK(to_string(*got) == std::string(to_string(row.expected)));
        CHECK(take_snapshot(fix.pt) == before);
        CHECK(take_snapshot(fix.lender) == lender_before);
        CHECK(fix.pool.live() == frames);
        CHECK(fix.pool.bad_frees() == 0);
    }
    // query of what is not there, or outside the space
    CHECK(fix.pt.query(bad_input_fixture<F>::E).is(error::not_mapped));
    CHECK(fix.pt.query(facts<F>::outside_va).is(error::out_of_range));
}

TEMPLATE_LIST_TEST_CASE("flags: never less than asked, more only as the header says, query reports it",
                        "[errors][flags]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    auto c = pt.cursor();
    const vaddr va = 4 * fx::huge;
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = flags(bits);
        INFO(F::name << " flags " << bits);
        const auto before = take_snapshot(pt);
        auto m = c.map(va, 0x5'0000, fx::page, f);
        if (!F::accepts(f)) {
            // refused: two memory types, or user without a user level
            CHECK(m.is(error::invalid_flags));
            CHECK((!flags_well_formed(f) || (std::is_same_v<F, aarch64::stage1_4k_el2> &&
                                             has(f, flags::user))));
            CHECK(take_snapshot(pt) == before);
            continue;
        }
        REQUIRE(m.has_value());
        const flags granted = pt.query(va)->flags;
        CHECK(granted == F::effective(f));
        CHECK((granted & ~f & ~widening<F>::added) == flags::none);   // more only as documented
        // never less access (a no-access leaf may drop what no access makes moot: ARMv7's user)
        const flags moot = grants_access(f) ? flags::none : widening<F>::dropped_without_access;
        CHECK((f & ~granted & ~widening<F>::dropped & ~moot) == flags::none);
        CHECK(has(granted, f & (permission_bits | flags::user) & ~moot));
        CHECK(grants_access(granted) == grants_access(f));
        // protect and remap report the same
        REQUIRE(c.protect(va, f).has_value());
        CHECK(pt.query(va)->flags == F::effective(f));
        REQUIRE(c.unmap(va).has_value());
    }
}

TEMPLATE_LIST_TEST_CASE("flags: write without read, execute-only and no access, as the catalogue names them",
                        "[errors][flags]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    auto c = pt.cursor();
    REQUIRE(c.map(fx::huge, 0x5'0000, fx::page, flags::write));
    REQUIRE(c.map(fx::huge + fx::page, 0x6'0000, fx::page, flags::execute));
    const flags w = pt.query(fx::huge)->flags;
    const flags x = pt.query(fx::huge + fx::page)->flags;
    CHECK(has(w, flags::write));
    CHECK(has(x, flags::execute));
    if constexpr (std::is_same_v<F, loongarch64::la64_4level>) {
        CHECK(w == flags::write);    // NR: write-only is expressible
        CHECK(x == flags::execute);  // NR: execute-only too
    } else if constexpr (requires { F::svpbmt; }) {  // RISC-V
        CHECK(w == rw);              // W without R is reserved: read is granted
        CHECK(x == flags::execute);  // X alone is a legal execute-only page
    } else if constexpr (std::is_same_v<F, x86_32::two_level>) {
        CHECK(w == rwx);             // every present page is readable and executable
        CHECK(x == rx);
    } else {
        CHECK(has(w, rw));           // every page is readable
        CHECK(has(x, rx));
        CHECK_FALSE(has(w, flags::execute));
        CHECK_FALSE(has(x, flags::write));
    }
    // no access: a leaf that grants nothing, not an error and not a hole
    REQUIRE(c.map(2 * fx::huge, 0x7'0000, fx::page, no_access));
    const auto t = pt.query(2 * fx::huge + 8);
    REQUIRE(t);
    CHECK(t->pa == 0x7'0008);
    CHECK(t->size == fx::page);
    CHECK_FALSE(grants_access(t->flags));
}

// Regressions: the cursor checked for borrowed root entries before checking the range, one
// step per root entry the size spans (2^64 / 1 GiB = 2^34 steps on Sv39), and copy_from
// accepted a range across the non-canonical hole and walked it in root-entry steps. On a table
// with nothing borrowed and nothing mapped both took minutes; now they are refused at once.
TEMPLATE_LIST_TEST_CASE("a size spanning the whole address space is refused at once",
                        "[errors][bad_input]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    constexpr std::uint64_t span = F::levels[0].span();
    frame_pool pool(64);
    auto lender = make_table<F>(pool);
    auto pt = make_table<F>(pool);
    const auto start = std::chrono::steady_clock::now();
    {
        auto c = pt.cursor();
        const vaddr all = vaddr{0} - fx::page;
        CHECK(c.unmap_region(0, all).is(error::out_of_range));
        CHECK(c.protect_region(0, all, r).is(error::out_of_range));
        CHECK(c.map_linear(0, 0, all, rw, true).is(error::out_of_range));
        CHECK(c.map_region(0, [](vaddr v) { return v; }, all, rw, false).is(error::out_of_range));
        CHECK(c.copy_from(lender, span, vaddr{0} - span).is(error::out_of_range));
        if (F::va_valid(vaddr{0} - span))
            CHECK(c.copy_from(lender, 0, vaddr{0} - span).is(error::out_of_range));
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < std::chrono::seconds(2));
    CHECK(pool.live_frames() == 2 * root_frames<F>());
}
