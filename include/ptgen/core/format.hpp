// ptgen/core/format.hpp: what a page-table format is. The engine knows formats only through
// this interface: a geometry (levels, root to leaf) and an entry codec. No format names here.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "address.hpp"
#include "flags.hpp"

namespace ptgen {

// One level of the walk. Level 0 is the root; the last level holds the smallest pages.
struct level_geometry {
    unsigned shift;            // lowest VA bit indexed at this level (log2 of one entry's span)
    unsigned index_bits;       // VA bits indexed here: the table has 1 << index_bits entries
    unsigned entry_bytes;      // 4 or 8
    bool leaf_allowed;         // may an entry here map memory (page, block, section, huge page)?
    std::size_t table_align;   // alignment of a table of this level, in bytes

    constexpr std::size_t entries() const noexcept { return std::size_t{1} << index_bits; }
    constexpr std::size_t table_bytes() const noexcept { return entries() * entry_bytes; }
    constexpr std::uint64_t span() const noexcept { return std::uint64_t{1} << shift; }
    constexpr std::size_t index_of(vaddr va) const noexcept {
        return std::size_t((va >> shift) & low_mask(index_bits));
    }
};

// The common shape of a radix table: pages of 1 << PageShift bytes; every table below the root
// is one page of EntryBytes-byte entries, so each of those levels indexes PageShift -
// log2(EntryBytes) VA bits; the root indexes what remains of VaBits (and is only as large as
// that needs). Leaves are allowed from level `first_leaf` down to the last.
template <unsigned VaBits, unsigned PageShift, unsigned EntryBytes>
    requires(EntryBytes == 4 || EntryBytes == 8)
constexpr auto radix_levels(unsigned first_leaf) noexcept {
    constexpr unsigned index_bits = PageShift - (EntryBytes == 8 ? 3 : 2);
    constexpr unsigned depth = (VaBits - PageShift + index_bits - 1) / index_bits;
    constexpr unsigned root_bits = VaBits - PageShift - index_bits * (depth - 1);
    std::array<level_geometry, depth> ls{};
    for (unsigned l = 0; l < depth; ++l) {
        const unsigned bits = l == 0 ? root_bits : index_bits;
        ls[l] = level_geometry{PageShift + index_bits * (depth - 1 - l), bits, EntryBytes,
                               l >= first_leaf, std::size_t{EntryBytes} << bits};
    }
    return ls;
}

enum class entry_kind : unsigned char { empty, table, leaf };

// A register value of a format's boot register set, by the name the register struct gives it
// (registers::named(): for generators that print them as symbols, macros, constants).
struct named_register {
    const char* name;
    std::uint64_t value;
};

// A format: geometry plus a constexpr codec. See arch/riscv.hpp for a complete example.
template <class F>
concept page_table_format = requires(typename F::entry_type e, paddr pa, flags f, unsigned level,
                                     vaddr va) {
    requires std::unsigned_integral<typename F::entry_type>;
    { F::name } -> std::convertible_to<const char*>;
    { F::levels.size() } -> std::convertible_to<std::size_t>;
    { F::pa_bits } -> std::convertible_to<unsigned>;
    { F::va_bits } -> std::convertible_to<unsigned>;
    { F::va_valid(va) } -> std::same_as<bool>;                 // canonical / inside the space
    { F::accepts(f) } -> std::same_as<bool>;                   // can a leaf carry f at all?
    { F::effective(f) } -> std::same_as<flags>;                // what the hardware grants for f
    { F::kind(e, level) } -> std::same_as<entry_kind>;
    { F::address(e, level) } -> std::same_as<paddr>;           // table or output address
    { F::leaf_flags(e, level) } -> std::same_as<flags>;        // decode a leaf
    { F::encode_table(pa, level) } -> std::same_as<typename F::entry_type>;
    { F::encode_leaf(pa, f, level) } -> std::same_as<typename F::entry_type>;
};

// Optional part of a format whose TLB entries hold an even/odd pair of last-level entries with
// one set of pair-wide bits (LoongArch: one G bit for both pages):
//   pair_filler(partner)        the empty entry to keep beside `partner` (a leaf), so that
//                               the pair-wide bits of the TLB entry are partner's;
//   pair_flags(own, partner)    what a leaf grants with `partner` beside it.
// The engine keeps every pair normalised: both leaves, both 0, or a leaf and its filler.
template <class F>
concept paired_leaves = requires(typename F::entry_type e, flags f) {
    { F::pair_filler(e) } -> std::same_as<typename F::entry_type>;
    { F::pair_flags(f, e) } -> std::same_as<flags>;
};

// Optional part of a format whose TLBs may hold a run of N adjacent leaf entries as one
// translation when each of them is marked (AArch64's Contiguous bit, RISC-V Svnapot):
//   contiguous_entries(level)       N at that level (1: no runs there);
//   contiguous(e, level)            is leaf e marked;
//   with_contiguous(e, level, on, pa)   leaf e, which maps the page at pa, marked or unmarked.
// leaf_flags() and kind() read a marked leaf as they read it unmarked; address() of a marked leaf
// may give the run's address rather than the page's (Svnapot: the PPN's low bits encode the
// run's size): leaf_address() below finds the page's. The engine marks a run only whole, only
// where its N entries (N-aligned) are leaves of one set of flags mapping one physically
// contiguous run aligned to N pages (core/contiguous_runs.hpp), and on a live table changes
// marks only with break-before-make.
template <class F>
concept contiguous_leaves = requires(typename F::entry_type e, unsigned level, bool on, paddr pa) {
    { F::contiguous_entries(level) } -> std::convertible_to<std::size_t>;
    { F::contiguous(e, level) } -> std::same_as<bool>;
    { F::with_contiguous(e, level, on, pa) } -> std::same_as<typename F::entry_type>;
};

// The output address of the page at va that leaf e of `level` maps (va anywhere in the leaf;
// the offset inside the page is not added): address(), or for a marked leaf the run's base
// plus va's page in the run, as the MMU takes it (Svnapot: PPN's low bits from the VA).
template <class F>
constexpr paddr leaf_address(typename F::entry_type e, unsigned level, vaddr va) noexcept {
    if constexpr (contiguous_leaves<F>) {
        if (F::contiguous(e, level)) {
            const std::uint64_t page = F::levels[level].span();
            const std::uint64_t run = F::contiguous_entries(level) * page;
            return (F::address(e, level) & ~(run - 1)) + (va & (run - 1) & ~(page - 1));
        }
    }
    return (void)va, F::address(e, level);
}

// Optional part of a format whose root entries the CPU copies into registers when the root
// register is loaded (x86 PAE: the four PDPTEs, read at MOV to CR3): root_entries_latched =
// true. A root entry the engine links takes effect only after a full flush (which reloads the
// root register), so the engine asks the sink for one; such a root holds no leaves, so split and
// collapse never change it, and unlinking one retires a table, which is a full flush already.
template <class F>
concept latches_root_entries = requires { requires F::root_entries_latched; };

// Facts derived from a format's geometry, and the checks that the geometry is coherent.
template <page_table_format F>
struct geometry_of {
    using entry = typename F::entry_type;
    static constexpr std::size_t depth = F::levels.size();
    static constexpr unsigned last = unsigned(depth - 1);

    static constexpr const level_geometry& at(unsigned level) noexcept { return F::levels[level]; }
    static constexpr std::uint64_t span(unsigned level) noexcept { return F::levels[level].span(); }
    static constexpr std::uint64_t min_page = std::uint64_t{1} << F::levels[depth - 1].shift;

    // The level whose leaves are `size` bytes, or -1 when no level maps that size.
    static constexpr int leaf_level_for(std::uint64_t size) noexcept {
        for (unsigned l = 0; l < depth; ++l)
            if (F::levels[l].leaf_allowed && span(l) == size) return int(l);
        return -1;
    }

    // With split roots (a register for each half), the high half's root indexes the VA bits it
    // translates from this address up: its entry i maps high_half_base + i * span(0).
    static constexpr vaddr high_half_base =
        ~low_mask(F::levels[0].shift + F::levels[0].index_bits);

    // The bytes a root takes in an arena: its size, or its alignment when that is larger (a
    // 16-byte AArch64 root must be 64-byte aligned).
    static constexpr std::size_t root_footprint =
        F::levels[0].table_align > F::levels[0].table_bytes() ? F::levels[0].table_align
                                                                : F::levels[0].table_bytes();

    // The strictest table alignment of any level: what memory holding every table must meet
    // (a root smaller than a page is less aligned than the tables below it).
    static constexpr std::size_t max_table_align = [] {
        std::size_t a = 0;
        for (const auto& g : F::levels) a = g.table_align > a ? g.table_align : a;
        return a;
    }();

    static constexpr bool pa_valid(paddr pa) noexcept {
        return F::pa_bits >= 64 || (pa >> F::pa_bits) == 0;
    }

    static constexpr bool coherent() noexcept {
        unsigned covered = F::levels[depth - 1].shift;
        for (std::size_t l = depth; l-- > 0;) {
            const auto& g = F::levels[l];
            if (g.entry_bytes != sizeof(entry)) return false;
            if (g.shift != covered) return false;                 // levels tile the VA bits
            if (g.table_align < g.table_bytes() && l != 0) return false;
            if (g.table_align & (g.table_align - 1)) return false;
            if (l + 1 < depth && g.leaf_allowed && !F::levels[l + 1].leaf_allowed)
                return false;                                      // splits need leaves below
            covered += g.index_bits;
        }
        if constexpr (latches_root_entries<F>)
            if (F::levels[0].leaf_allowed) return false;
        return F::levels[depth - 1].leaf_allowed && covered >= F::va_bits - 1 &&
               covered <= 64;
    }
    static_assert(depth >= 1 && depth <= 6, "a format has 1 to 6 levels");
};

}  // namespace ptgen
