// ptgen/generators/dump.hpp: a table image read back: its leaves in address order (through the
// engine's walker, over the raw bytes), merged into ranges of equal attributes, with holes,
// tables per level and a summary, as text (ptdump-like).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <ptgen/core/engine.hpp>
#include <ptgen/core/page_table.hpp>

namespace ptgen::generators {

// Read-only table memory over an image's entries (entry i at base + i * sizeof(entry)); a
// table pointer outside the image reads as empty and is reported.
template <page_table_format F>
struct image_memory {
    using entry = typename F::entry_type;
    const std::vector<entry>* tables;
    paddr base;
    std::vector<paddr>* outside;  // table addresses that left the image

    template <class E>
    struct view_type {
        const E* first;
        std::size_t count;
        E load(std::size_t i) const noexcept { return i < count ? first[i] : E{0}; }
    };
    template <class E>
    view_type<E> view(paddr pa) const {
        const std::uint64_t bytes = tables->size() * sizeof(entry);
        if (pa < base || pa - base >= bytes || (pa - base) % sizeof(entry) != 0) {
            outside->push_back(pa);
            return {nullptr, 0};
        }
        const std::size_t i = std::size_t(pa - base) / sizeof(entry);
        return {tables->data() + i, tables->size() - i};
    }
};

// A run of leaves of one level, contiguous in va and pa, with equal flags.
struct mapped_range {
    vaddr va;
    paddr pa;
    std::uint64_t size;
    std::uint64_t page;  // the leaf size
    unsigned level;
    flags attrs;         // as the TLB holds them
};

template <page_table_format F>
struct decoded_image {
    std::vector<mapped_range> ranges;
    std::array<std::size_t, F::levels.size()> tables_per_level{};
    std::vector<paddr> outside;  // table pointers that leave the image
};

// Decodes the tree at `root` (high_half: the root of the high half of split roots).
template <page_table_format F>
decoded_image<F> decode(const std::vector<typename F::entry_type>& tables, paddr base, paddr root,
                        bool high_half = false) {
    decoded_image<F> out;
    image_memory<F> mem{&tables, base, &out.outside};
    const engine<F, const image_memory<F>> eng(mem, root);
    out.tables_per_level[0] = 1;
    const vaddr origin = high_half ? geometry_of<F>::high_half_base : 0;
    eng.walk(
        ~std::size_t{0},
        [&](const walk_entry<typename F::entry_type>& e) {
            if (e.kind == entry_kind::table) {
                ++out.tables_per_level[e.level + 1];
                return;
            }
            const std::uint64_t span = F::levels[e.level].span();
            const paddr pa = leaf_address<F>(e.raw, e.level, e.va);
            // The flags as the TLB holds them (pairs of LoongArch PTEs share G): query's view.
            const auto q = eng.query(e.va);
            const flags f = q ? q->flags : F::leaf_flags(e.raw, e.level);
            if (!out.ranges.empty()) {
                mapped_range& last = out.ranges.back();
                if (last.level == e.level && last.attrs == f && last.va + last.size == e.va &&
                    last.pa + last.size == pa) {
                    last.size += span;
                    return;
                }
            }
            out.ranges.push_back({e.va, pa, span, span, e.level, f});
        },
        [](const auto&) {}, origin);
    return out;
}

namespace detail {
// "4 KiB", "1 GiB"; "254.9 MiB" when not a whole number of the largest unit that fits.
inline std::string size_text(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned u = 0;
    while (u + 1 < 7 && (bytes >> (10 * (u + 1))) != 0) ++u;
    const std::uint64_t whole = bytes >> (10 * u);
    if ((whole << (10 * u)) == bytes) return std::to_string(whole) + " " + units[u];
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", double(bytes) / double(std::uint64_t{1} << (10 * u)), units[u]);
    return buf;
}
inline std::string flags_text(flags f) {
    std::string s;
    s += has(f, flags::read) ? 'r' : '-';
    s += has(f, flags::write) ? 'w' : '-';
    s += has(f, flags::execute) ? 'x' : '-';
    s += has(f, flags::user) ? 'u' : '-';
    if (!grants_access(f)) s += " no-access";
    if (has(f, flags::device)) s += " device";
    if (has(f, flags::uncached)) s += " uncached";
    if (has(f, flags::global)) s += " global";
    return s;
}
inline std::string address(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}
// The last valid address of the low half and the first of the high half (va_valid is an
// interval in each half).
template <page_table_format F>
std::pair<vaddr, vaddr> canonical_edges() {
    vaddr lo = 0, hi = (vaddr{1} << 63) - 1;  // largest valid low address in [lo, hi]
    while (lo < hi) {
        const vaddr mid = lo + (hi - lo + 1) / 2;
        if (F::va_valid(mid)) lo = mid;
        else hi = mid - 1;
    }
    vaddr a = vaddr{1} << 63, b = ~vaddr{0};  // smallest valid high address in [a, b]
    while (a < b) {
        const vaddr mid = a + (b - a) / 2;
        if (F::va_valid(mid)) b = mid;
        else a = mid + 1;
    }
    return {lo, a};
}
}  // namespace detail

// The listing: a header line, tables per level, then one line per range and per hole:
//   va range  pa range  size  level  flags
template <page_table_format F>
void print_listing(std::ostream& os, const decoded_image<F>& d, paddr root, std::size_t image_bytes,
                   const char* title) {
    std::size_t tables = 0;
    for (std::size_t n : d.tables_per_level) tables += n;
    os << F::name << " " << title << ": root " << detail::address(root) << ", " << tables
       << " tables (";
    for (std::size_t l = 0; l < d.tables_per_level.size(); ++l)
        os << (l ? ", " : "") << "level " << l << ": " << d.tables_per_level[l];
    os << "), image " << image_bytes << " bytes\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-37s  %-37s  %-22s  %-5s  %s\n", "va range", "pa range", "size",
                  "level", "flags");
    os << line;
    auto hole = [&](vaddr first, vaddr last) {
        std::snprintf(line, sizeof line, "%s-%s  %-37s  %s\n", detail::address(first).c_str(),
                      detail::address(last).c_str(), "(hole)", detail::size_text(last - first + 1).c_str());
        os << line;
    };
    vaddr next = d.ranges.empty() ? 0 : d.ranges.front().va;
    for (const mapped_range& r : d.ranges) {
        if (r.va != next) {
            // A hole across the non-canonical gap is two holes, one at the top of each half.
            if ((next >> 63) == 0 && (r.va >> 63) != 0) {
                const auto [low_top, high_bottom] = detail::canonical_edges<F>();
                if (next <= low_top) hole(next, low_top);
                if (high_bottom < r.va) hole(high_bottom, r.va - 1);
            } else {
                hole(next, r.va - 1);
            }
        }
        const std::string size = detail::size_text(r.size) + " (" + std::to_string(r.size / r.page) +
                                 " x " + detail::size_text(r.page) + ")";
        std::snprintf(line, sizeof line, "%s-%s  %s-%s  %-22s  %-5u  %s\n", detail::address(r.va).c_str(),
                      detail::address(r.va + r.size - 1).c_str(), detail::address(r.pa).c_str(),
                      detail::address(r.pa + r.size - 1).c_str(), size.c_str(), r.level,
                      detail::flags_text(r.attrs).c_str());
        os << line;
        next = r.va + r.size;
    }
    std::uint64_t mapped = 0;
    for (const mapped_range& r : d.ranges) mapped += r.size;
    os << d.ranges.size() << " ranges, " << detail::size_text(mapped) << " mapped";
    if (!d.outside.empty()) os << "; " << d.outside.size() << " table pointers leave the image";
    os << "\n";
}

}  // namespace ptgen::generators
