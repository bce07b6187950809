// tests/support/runs_check.hpp: the rule of contiguous runs (core/contiguous_runs.hpp), checked
// over a whole table: a marked leaf's run is N-aligned and all of it is marked, with leaves of
// one set of flags mapping one physically contiguous run aligned to N pages, each entry the
// format's marked encoding of its page (Svnapot: the 16 PTEs are one PTE). Returns the first
// violation, described, or an empty string.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <ptgen/ptgen.hpp>

namespace ptgen::test {

template <class PT>
std::string runs_violation(const PT& pt) {
    using F = typename PT::format;
    using runs = runs_of<F>;
    using entry = typename F::entry_type;
    std::map<std::pair<unsigned, vaddr>, entry> leaves;
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::leaf) leaves[{e.level, e.va}] = e.raw;
    });
    for (const auto& [key, raw] : leaves) {
        const auto [level, va] = key;
        if (!runs::marked(raw, level)) continue;
        const std::size_t n = runs::at(level);
        const std::uint64_t span = F::levels[level].span();
        const vaddr run_va = align_down(va, n * span);
        if (va != run_va) continue;  // checked with its run's first entry
        const auto first = leaves.find({level, run_va});
        const paddr pa0 = leaf_address<F>(first->second, level, run_va);
        const flags f0 = F::leaf_flags(first->second, level);
        if (n <= 1) return "a leaf marked at a level without runs";
        if (!is_aligned(pa0, n * span)) return "a marked run whose pa is not aligned to it";
        for (std::size_t k = 0; k < n; ++k) {
            const auto it = leaves.find({level, run_va + k * span});
            if (it == leaves.end()) return "a marked run with a hole";
            if (!runs::marked(it->second, level)) return "a half-marked run";
            if (leaf_address<F>(it->second, level, it->first.second) != pa0 + k * span)
                return "a marked run not contiguous";
            if (F::leaf_flags(it->second, level) != f0) return "a marked run of mixed flags";
            if (it->second != runs::leaf(pa0 + k * span, f0, level, true))
                return "a marked entry that is not the format's encoding of its page";
        }
    }
    // every marked leaf belongs to a run whose first entry is marked (no half run at its start)
    for (const auto& [key, raw] : leaves) {
        const auto [level, va] = key;
        if (!runs::marked(raw, level)) continue;
        const vaddr run_va = align_down(va, runs::at(level) * F::levels[level].span());
        const auto first = leaves.find({level, run_va});
        if (first == leaves.end() || !runs::marked(first->second, level)) return "a half-marked run";
    }
    return {};
}

// How many marked runs the table holds at `level`.
template <class PT>
std::size_t marked_runs(const PT& pt, unsigned level) {
    using F = typename PT::format;
    std::size_t n = 0;
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::leaf && e.level == level && runs_of<F>::marked(e.raw, level) &&
            e.index % runs_of<F>::at(level) == 0)
            ++n;
    });
    return n;
}

}  // namespace ptgen::test
